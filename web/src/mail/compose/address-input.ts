/**
 * Recipients typed in one field: `Nom Prénom <adresse>`, `"Dupont, Sylvie" <adresse>` or a bare
 * address, separated by commas or semicolons (Outlook habit). Whatever is not an address is given
 * back as invalid, so the form can say which.
 */
import type { EmailAddress } from '../jmap/types';

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\].]+(?:\.[^\s@<>()",;:\\[\].]+)+$/;

export function isAddress(text: string): boolean {
  return ADDRESS.test(text);
}

/** Splits on , and ; outside double quotes and angle brackets. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && quoted) {
      // An escaped character inside a quoted name, kept as written.
      current += ch + (chars[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (ch === '"' && !angle) quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if ((ch === ',' || ch === ';') && !quoted && !angle) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

function unquote(name: string): string {
  const quoted = /^"(.*)"$/s.exec(name);
  return quoted ? (quoted[1] ?? '').replace(/\\(.)/gs, '$1') : name;
}

export function parseAddressList(text: string): { addresses: EmailAddress[]; invalid: string[] } {
  const addresses: EmailAddress[] = [];
  const invalid: string[] = [];
  for (const piece of pieces(text)) {
    const angled = /^(.*?)<([^<>]+)>$/.exec(piece);
    const email = (angled ? angled[2] : piece)?.trim() ?? '';
    const name = angled ? unquote((angled[1] ?? '').trim()) : '';
    if (isAddress(email)) addresses.push({ name: name === '' ? null : name, email });
    else invalid.push(piece);
  }
  return { addresses, invalid };
}

export function formatAddress(address: EmailAddress): string {
  const name = address.name?.trim();
  if (!name) return address.email;
  return /[",;<>@\\]/.test(name)
    ? `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address.email}>`
    : `${name} <${address.email}>`;
}

export function formatAddressList(addresses: readonly EmailAddress[] | null): string {
  return (addresses ?? []).map(formatAddress).join(', ');
}
