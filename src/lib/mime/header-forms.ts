/**
 * Header fields as written, and their values in the parsed forms of RFC 8621 §4.1.2 (JMAP
 * `header:{name}:as{Form}`): Raw, Text, Addresses, GroupedAddresses, MessageIds, Date, URLs.
 *
 * Implementation notes
 * - Pure, and total: every function answers for any input (a value it cannot parse gives null or an
 *   empty list, as the RFC asks), never throws. Property-tested with fast-check.
 * - readHeaderFields keeps each value as written: from the byte after the colon (the usual space
 *   included) to the end of the field, folding line breaks kept, final line break dropped (Raw,
 *   §4.1.2.1). 8-bit bytes are read as UTF-8 when valid, else latin-1, as everywhere in lib/mime.
 *   The block ends where header-block.ts ends it (empty line, or the first line that is neither a
 *   field nor a continuation); only the first `maxBytes` bytes are read.
 * - The other forms unfold first (line breaks before blanks removed) and trim. Text decodes RFC 2047
 *   encoded words and normalises to NFC. Addresses and GroupedAddresses reuse address.ts (groups,
 *   comments, quoted names, encoded words in names); an empty display name is null. MessageIds
 *   reuse envelope.ts (ids without their brackets; none found: null). Date reuses date.ts and gives
 *   the instant in UTC — what `sentAt` shows, so `header:Date:asDate` equals it. URLs are the
 *   `<…>` items of an RFC 2369 list, blanks inside removed (none: null).
 */
import { decodedAddress, parseEnvelopeAddresses } from './address.js';
import { decodeUtf8OrLatin1 } from './charset.js';
import { parseDate } from './date.js';
import { decodeHeaderValue } from './encoded-words.js';
import { parseMessageIds } from './envelope.js';

export type HeaderForm = 'Raw' | 'Text' | 'Addresses' | 'GroupedAddresses' | 'MessageIds' | 'Date' | 'URLs';

export const HEADER_FORMS: readonly HeaderForm[] = [
  'Raw',
  'Text',
  'Addresses',
  'GroupedAddresses',
  'MessageIds',
  'Date',
  'URLs',
];

export interface RawHeaderField {
  /** The name as written. */
  name: string;
  /** The value as written (Raw form): leading blank and folding kept. */
  value: string;
}

export interface EmailAddress {
  name: string | null;
  email: string;
}

export interface EmailAddressGroup {
  /** The group's display name; null for addresses outside any group. */
  name: string | null;
  addresses: EmailAddress[];
}

export type HeaderFormValue = string | string[] | EmailAddress[] | EmailAddressGroup[] | null;

const LF = 0x0a;
const CR = 0x0d;
/** What parse-message reads of one header block (DEFAULT_MIME_LIMITS.maxHeaderBytes). */
const DEFAULT_MAX_BYTES = 256 * 1024;

function fieldColon(raw: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && (raw[i] as number) >= 0x21 && (raw[i] as number) <= 0x7e && raw[i] !== 0x3a) i++;
  if (i === start) return -1;
  while (i < end && (raw[i] === 0x20 || raw[i] === 0x09)) i++;
  return i < end && raw[i] === 0x3a ? i : -1;
}

/**
 * The header fields of the header block at [start, end) of `raw`, in order, values as written.
 * `start` and `end` are clamped to the buffer.
 */
export function readHeaderFields(
  raw: Buffer,
  start = 0,
  end = raw.length,
  maxBytes = DEFAULT_MAX_BYTES,
): RawHeaderField[] {
  const from = Math.max(0, Math.min(raw.length, start));
  const to = Math.max(from, Math.min(raw.length, end, from + maxBytes));
  const fields: RawHeaderField[] = [];
  let current: { name: string; valueStart: number; valueEnd: number } | null = null;
  const finish = () => {
    if (current === null) return;
    const bytes = raw.subarray(current.valueStart, current.valueEnd);
    fields.push({ name: current.name, value: decodeUtf8OrLatin1(bytes) });
    current = null;
  };
  let pos = from;
  while (pos < to) {
    const lf = raw.indexOf(LF, pos);
    const lineEnd = lf < 0 || lf >= to ? to : lf;
    const next = lineEnd === to ? to : lineEnd + 1;
    let contentEnd = lineEnd;
    if (contentEnd > pos && raw[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) break; // the empty line: end of the header
    const first = raw[pos] as number;
    if (first === 0x20 || first === 0x09) {
      if (current !== null) (current as { valueEnd: number }).valueEnd = contentEnd;
    } else if (pos === from && contentEnd - pos >= 5 && raw.toString('latin1', pos, pos + 5) === 'From ') {
      // mbox envelope line: neither a field nor the body.
    } else {
      const colon = fieldColon(raw, pos, contentEnd);
      if (colon < 0) break; // the body starts without an empty line
      finish();
      current = {
        name: raw.toString('latin1', pos, colon).trimEnd(),
        valueStart: colon + 1,
        valueEnd: contentEnd,
      };
    }
    pos = next;
  }
  finish();
  return fields;
}

/** Unfolded (line breaks before blanks, and stray ones, removed) and trimmed. */
function unfold(value: string): string {
  return value.replace(/\r?\n|\r/g, '').trim();
}

/** Text form (§4.1.2.2): unfolded, trimmed, encoded words decoded, NFC. */
export function asText(value: string): string {
  return decodeHeaderValue(unfold(value)).normalize('NFC');
}

function emailAddress(name: string, email: string): EmailAddress {
  const normalized = name.normalize('NFC');
  return { name: normalized === '' ? null : normalized, email };
}

/** Addresses form (§4.1.2.3): every mailbox of the list, groups flattened. */
export function asAddresses(value: string): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const item of parseEnvelopeAddresses(unfold(value))) {
    const address = decodedAddress(item);
    if (address !== null) out.push(emailAddress(address.name, address.address));
  }
  return out;
}

/** GroupedAddresses form (§4.1.2.4): groups, and runs of ungrouped addresses as groups named null. */
export function asGroupedAddresses(value: string): EmailAddressGroup[] {
  const out: EmailAddressGroup[] = [];
  let group: EmailAddressGroup | null = null; // the named group open
  let loose: EmailAddressGroup | null = null; // the run of ungrouped addresses under way
  for (const item of parseEnvelopeAddresses(unfold(value))) {
    if (item.host === null) {
      // A group's start (its name in `mailbox`) or end (nothing).
      group =
        item.mailbox === null
          ? null
          : {
              name: decodeHeaderValue(item.mailbox).replace(/\s+/g, ' ').trim().normalize('NFC'),
              addresses: [],
            };
      if (group !== null) out.push(group);
      loose = null;
      continue;
    }
    const address = decodedAddress(item);
    if (address === null) continue;
    if (group === null && loose === null) {
      loose = { name: null, addresses: [] };
      out.push(loose);
    }
    (group ?? (loose as EmailAddressGroup)).addresses.push(emailAddress(address.name, address.address));
  }
  return out;
}

/** MessageIds form (§4.1.2.5): the ids without brackets; null when there is none. */
export function asMessageIds(value: string): string[] | null {
  const ids = parseMessageIds(unfold(value));
  return ids.length > 0 ? ids : null;
}

/** Date form (§4.1.2.6): the instant in UTC (`2026-03-02T08:15:00Z`); null when unreadable. */
export function asDate(value: string): string | null {
  const ms = parseDate(unfold(value));
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** URLs form (§4.1.2.7): the `<…>` items of an RFC 2369 list; null when there is none. */
export function asURLs(value: string): string[] | null {
  const urls: string[] = [];
  for (const match of unfold(value).matchAll(/<([^<>]*)>/g)) {
    const url = (match[1] as string).replace(/\s+/g, '');
    if (url.length > 0) urls.push(url);
  }
  return urls.length > 0 ? urls : null;
}

/** A value (Raw, as read by readHeaderFields) in one form. */
export function headerFormValue(value: string, form: HeaderForm): HeaderFormValue {
  switch (form) {
    case 'Raw':
      return value;
    case 'Text':
      return asText(value);
    case 'Addresses':
      return asAddresses(value);
    case 'GroupedAddresses':
      return asGroupedAddresses(value);
    case 'MessageIds':
      return asMessageIds(value);
    case 'Date':
      return asDate(value);
    case 'URLs':
      return asURLs(value);
  }
}
