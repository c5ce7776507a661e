/**
 * An identity's Bcc (JMAP Identity.bcc: "addresses to add as Bcc when sending") in the composer:
 * written into the Bcc field of a new message or reply, where the user sees and may remove them,
 * and swapped when another identity is chosen.
 *
 * Implementation notes
 * - Addresses compare case-insensitively; one already in the field is not added twice, and on a
 *   swap only the old identity's addresses leave (what the user typed stays, even if they match,
 *   unless the old identity had them).
 * - Text the user typed that is not an address yet is kept as it is, at the end.
 */
import type { EmailAddress } from '../jmap/types';
import { formatAddress, parseAddressList } from './address-input';

const key = (address: EmailAddress) => address.email.toLowerCase();

/** The Bcc field with `remove`'s addresses taken out and `add`'s added (each once). */
export function swapIdentityBcc(
  field: string,
  remove: readonly EmailAddress[] | null | undefined,
  add: readonly EmailAddress[] | null | undefined,
): string {
  const { addresses, invalid } = parseAddressList(field);
  const removed = new Set((remove ?? []).map(key));
  const kept = addresses.filter((address) => !removed.has(key(address)));
  const present = new Set(kept.map(key));
  for (const address of add ?? []) {
    if (!present.has(key(address))) {
      kept.push(address);
      present.add(key(address));
    }
  }
  return [...kept.map(formatAddress), ...invalid].join(', ');
}
