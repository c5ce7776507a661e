/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3, kept by RFC 9051 §5.1.3 for IMAP4rev1 clients).
 *
 * Implementation notes
 * - Encoding is canonical: printable US-ASCII (0x20-0x7E) except "&" stands for itself, "&" is "&-",
 *   every maximal run of other characters is one "&" + modified BASE64 (alphabet A-Z a-z 0-9 + ,
 *   no padding) of its UTF-16BE + "-". A lone surrogate in the JS string cannot be represented in
 *   Unicode; it is encoded as U+FFFD, as Buffer.from does for UTF-8.
 * - Strict decoding accepts exactly the canonical encodings, so a name has one spelling and
 *   decode(s) succeeds iff encode(decode(s)) === s (property-tested). It rejects, with a Mutf7Error
 *   naming the position: bytes outside printable ASCII, a run without its closing "-", characters
 *   outside the alphabet, a bit count that is not a whole number of UTF-16 units (odd byte count),
 *   non-minimal BASE64 (extra characters or non-zero padding bits), encoded printable ASCII, unpaired
 *   surrogates, and adjacent runs ("-&" null shifts). Accepting several spellings would let two
 *   different names on the wire reach the same mailbox, and any check (ACLs, special-use, quotas)
 *   done on the wire form could be bypassed.
 * - Lenient decoding (`{ lenient: true }`) is for displaying names written by other software, never
 *   for resolving a client's argument: it never throws, decodes non-minimal runs, adjacent runs and
 *   encoded ASCII, replaces unpaired surrogates with U+FFFD, and keeps undecodable text verbatim.
 */
import { Mutf7Error } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

function isPrintable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function encodeRun(units: number[]): string {
  let out = '&';
  let bits = 0;
  let count = 0;
  for (const unit of units) {
    bits = (bits << 16) | unit;
    count += 16;
    while (count >= 6) {
      count -= 6;
      out += ALPHABET[(bits >> count) & 0x3f];
    }
    bits &= (1 << count) - 1;
  }
  if (count > 0) out += ALPHABET[(bits << (6 - count)) & 0x3f];
  return `${out}-`;
}

export function encodeMutf7(name: string): string {
  let out = '';
  let run: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isPrintable(code)) {
      if (run.length > 0) {
        out += encodeRun(run);
        run = [];
      }
      out += code === 0x26 ? '&-' : name[i];
      continue;
    }
    if (isHighSurrogate(code) && isLowSurrogate(name.charCodeAt(i + 1))) {
      run.push(code, name.charCodeAt(i + 1));
      i++;
    } else if (isHighSurrogate(code) || isLowSurrogate(code)) {
      run.push(0xfffd);
    } else {
      run.push(code);
    }
  }
  if (run.length > 0) out += encodeRun(run);
  return out;
}

export interface Mutf7Options {
  /** Never throw; see the module notes. Not for names that select or create a mailbox. */
  lenient?: boolean;
}

/** Decodes the BASE64 run between "&" and "-"; returns the UTF-16 units or a reason. */
function decodeRun(text: string, lenient: boolean): number[] | string {
  let bits = 0;
  let count = 0;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const value = VALUES[text.charCodeAt(i)] ?? -1;
    if (value < 0) return 'invalid character in BASE64';
    bits = ((bits << 6) | value) & 0xffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes.push((bits >> count) & 0xff);
    }
  }
  if (bytes.length % 2 !== 0) return 'odd number of bytes in BASE64';
  if (!lenient) {
    if (Math.ceil((bytes.length * 8) / 6) !== text.length) return 'non-minimal BASE64';
    if ((bits & ((1 << count) - 1)) !== 0) return 'non-zero padding bits in BASE64';
  }
  const units: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) units.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] ?? 0;
    if (isPrintable(unit) && !lenient) return 'encoded printable ASCII';
    if (isHighSurrogate(unit) && isLowSurrogate(units[i + 1] ?? 0)) {
      i++;
    } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
      if (!lenient) return 'unpaired surrogate';
      units[i] = 0xfffd;
    }
  }
  return units;
}

export function decodeMutf7(encoded: string, options: Mutf7Options = {}): string {
  const lenient = options.lenient === true;
  let out = '';
  let afterRun = false;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded.charCodeAt(i);
    if (!isPrintable(code)) {
      if (!lenient) throw new Mutf7Error(`Invalid modified UTF-7 at ${i}: character outside printable ASCII`);
      out += encoded[i];
      i++;
      afterRun = false;
      continue;
    }
    if (code !== 0x26) {
      out += encoded[i];
      i++;
      afterRun = false;
      continue;
    }
    const close = encoded.indexOf('-', i + 1);
    if (close < 0) {
      if (!lenient) throw new Mutf7Error(`Invalid modified UTF-7 at ${i}: "&" without closing "-"`);
      out += encoded.slice(i);
      break;
    }
    if (close === i + 1) {
      out += '&';
      i = close + 1;
      afterRun = false;
      continue;
    }
    if (afterRun && !lenient) throw new Mutf7Error(`Invalid modified UTF-7 at ${i}: adjacent encoded runs`);
    const units = decodeRun(encoded.slice(i + 1, close), lenient);
    if (typeof units === 'string') {
      if (!lenient) throw new Mutf7Error(`Invalid modified UTF-7 at ${i}: ${units}`);
      out += encoded.slice(i, close + 1);
    } else {
      for (let from = 0; from < units.length; from += 4096) {
        out += String.fromCharCode(...units.slice(from, from + 4096));
      }
    }
    i = close + 1;
    afterRun = true;
  }
  return out;
}

export function isValidMutf7(encoded: string): boolean {
  try {
    decodeMutf7(encoded);
    return true;
  } catch {
    return false;
  }
}
