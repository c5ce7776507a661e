/**
 * What the recipient fields offer as the user types: the last recipient being typed, matched
 * against recent correspondents (accents and case ignored) and the institution's directory, merged
 * without duplicates, recent ones first.
 */
import type { DirectoryEntry } from '../../../../common/api.js';
import type { EmailAddress } from '../jmap/types';
import { formatAddress, parseAddressList } from './address-input';

export interface Suggestion {
  name: string | null;
  email: string;
  /** The establishment, for a directory entry. */
  detail: string | null;
  source: 'recent' | 'directory';
}

export const MAX_SUGGESTIONS = 10;
/** The directory is asked from this many characters on (the server finds nothing below). */
export const MIN_DIRECTORY_QUERY = 2;

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/** Where the last recipient of the field starts (after the last , or ; outside quotes). */
function tokenStart(value: string): number {
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"') quoted = !quoted;
    else if ((ch === ',' || ch === ';') && !quoted) start = i + 1;
  }
  return start;
}

/** The recipient being typed: the text after the last separator, trimmed. */
export function currentToken(value: string): string {
  return value.slice(tokenStart(value)).trim();
}

/** The field with the recipient being typed replaced by `chosen`, ready for the next one. */
export function replaceToken(value: string, chosen: EmailAddress): string {
  const head = value.slice(0, tokenStart(value)).trimEnd();
  return `${head === '' ? '' : `${head} `}${formatAddress(chosen)}, `;
}

/** Recent correspondents (`Nom <adresse>` or addresses) whose name or address contains the token. */
export function matchRecent(known: readonly string[], token: string): Suggestion[] {
  const wanted = fold(token.trim());
  if (wanted === '') return [];
  const out: Suggestion[] = [];
  for (const entry of known) {
    if (!fold(entry).includes(wanted)) continue;
    const [address] = parseAddressList(entry).addresses;
    if (address) out.push({ name: address.name, email: address.email, detail: null, source: 'recent' });
    if (out.length >= MAX_SUGGESTIONS) break;
  }
  return out;
}

/** Recent first, then the directory; one entry per address; none already in the field. */
export function mergeSuggestions(
  recent: readonly Suggestion[],
  directory: readonly DirectoryEntry[],
  fieldValue: string,
): Suggestion[] {
  const present = new Set(parseAddressList(fieldValue).addresses.map((a) => a.email.toLowerCase()));
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  const fromDirectory = directory.map(
    (d): Suggestion => ({ name: d.name, email: d.email, detail: d.establishment, source: 'directory' }),
  );
  for (const suggestion of [...recent, ...fromDirectory]) {
    const key = suggestion.email.toLowerCase();
    if (seen.has(key) || present.has(key)) continue;
    seen.add(key);
    out.push(suggestion);
    if (out.length >= MAX_SUGGESTIONS) break;
  }
  return out;
}
