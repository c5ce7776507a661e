/**
 * Warnings about who a message claims to be from, shown above it in the reader.
 *
 * - external: the sender's domain is not the institution's (nor one of its subdomains). Most fraud
 *   aimed at staff comes from outside while posing as inside; saying "external" costs little.
 * - impersonation: an external sender whose display name imitates an internal person: it contains
 *   an address of the institution, or it is the name of someone known to write from inside (the
 *   user, and the internal senders of the messages already loaded). Names compare without case,
 *   accents or punctuation ("Élodie MARTIN" = "elodie martin").
 */
import type { EmailAddress } from './jmap/types';

export interface SenderWarnings {
  external: boolean;
  impersonation: boolean;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

export function isInternal(address: string, ownDomain: string): boolean {
  const domain = domainOf(address);
  const own = ownDomain.toLowerCase();
  return domain === own || domain.endsWith(`.${own}`);
}

export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function senderWarnings(
  from: EmailAddress | undefined,
  ownDomain: string,
  internalNames: ReadonlySet<string>,
): SenderWarnings {
  if (!from || isInternal(from.email, ownDomain)) return { external: false, impersonation: false };
  const name = from.name ?? '';
  const mentionsInternalAddress = (name.match(/[^\s<>"'()]+@[^\s<>"'()]+/g) ?? []).some((a) =>
    isInternal(a, ownDomain),
  );
  const normalized = normalizeName(name);
  const imitatesPerson = normalized !== '' && internalNames.has(normalized);
  return { external: true, impersonation: mentionsInternalAddress || imitatesPerson };
}
