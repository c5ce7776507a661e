/**
 * The IMAP character classes and the literal-header scanner shared by the reader, the parser and
 * the encoder.
 *
 * Implementation notes
 * - Classes follow the formal syntax of RFC 9051 §9, which agrees with RFC 3501 §9 on these rules:
 *   atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials,
 *   ASTRING-CHAR = ATOM-CHAR / "]", tag = 1*<any ASTRING-CHAR except "+">. All are 7-bit: an
 *   8-bit byte is never an atom character, with or without UTF8=ACCEPT (RFC 6855 §3 only extends
 *   quoted strings).
 * - One 128-entry table of bit flags, so every per-byte test is a single lookup.
 * - The literal-header scanner is a small state machine fed byte by byte, so the reader recognises
 *   `{n}`, `{n+}`, `~{n}` and `~{n+}` at the end of a line it is discarding, without keeping the line.
 *   number64 = 1*DIGIT admits leading zeros; they are accepted at any length and do not count as
 *   digits. Sizes beyond Number.MAX_SAFE_INTEGER are reported as such (`size: Infinity`) instead of
 *   being rounded, so no limit check can be fooled by precision loss.
 */

export const SP = 0x20;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** ATOM-CHAR: any CHAR except atom-specials. */
export const C_ATOM = 1;
/** ASTRING-CHAR: ATOM-CHAR or "]". */
export const C_ASTRING = 2;
/** Characters of a tag: ASTRING-CHAR except "+". */
export const C_TAG = 4;
/** list-wildcards "%" and "*", allowed in list-mailbox and sequence sets. */
export const C_WILDCARD = 8;
/** Printable 7-bit characters that may appear unescaped in a quoted string we send. */
export const C_QUOTABLE = 16;

const TABLE = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) {
  const ch = String.fromCharCode(c);
  let flags = C_QUOTABLE;
  if (!'(){%*"\\]'.includes(ch)) flags |= C_ATOM | C_ASTRING;
  if (ch === ']') flags |= C_ASTRING;
  if (ch === '%' || ch === '*') flags |= C_WILDCARD;
  if (flags & C_ASTRING && ch !== '+') flags |= C_TAG;
  TABLE[c] = flags;
}
TABLE[SP] = C_QUOTABLE;

export function charClass(byte: number): number {
  return TABLE[byte] ?? 0;
}

export function isAtomText(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (!(charClass(text.charCodeAt(i)) & C_ATOM)) return false;
  }
  return true;
}

/** Reads the tag at the start of a command line: the bytes before the first SP, if they form a tag. */
export function readTag(line: Buffer): string | null {
  let end = 0;
  while (end < line.length && line[end] !== SP) {
    if (!(charClass(line[end] ?? 0) & C_TAG)) return null;
    end++;
  }
  if (end === 0 || end === line.length) return null;
  return line.toString('latin1', 0, end);
}

/** Reads the command name (and the UID sub-command) after the tag, upper-cased; null when absent. */
export function readCommandName(line: Buffer): string | null {
  const first = line.indexOf(SP);
  if (first < 0) return null;
  const word = (from: number): [string, number] | null => {
    let end = from;
    while (end < line.length && line[end] !== SP && charClass(line[end] ?? 0) & C_ATOM) end++;
    if (end === from || (end < line.length && line[end] !== SP)) return null;
    return [line.toString('latin1', from, end).toUpperCase(), end];
  };
  const name = word(first + 1);
  if (name === null) return null;
  if (name[0] !== 'UID' || name[1] >= line.length) return name[0];
  const sub = word(name[1] + 1);
  return sub === null ? name[0] : `UID ${sub[0]}`;
}

export interface LiteralHeader {
  /** Octet count; Infinity when it exceeds Number.MAX_SAFE_INTEGER. */
  readonly size: number;
  /** `~{n}`: a literal8 (RFC 3516), which may contain NUL. */
  readonly binary: boolean;
  /** `{n+}`: non-synchronizing (RFC 7888); the bytes follow without a continuation request. */
  readonly nonSync: boolean;
}

const PHASE_NONE = 0;
const PHASE_DIGITS = 1;
const PHASE_PLUS = 2;
const PHASE_CLOSED = 3;

/**
 * Tells whether the bytes fed so far end with a literal header. A "{" restarts the match, so the
 * outcome depends only on the bytes after the last "{" (and the one before it, for "~").
 */
export class LiteralHeaderScanner {
  #phase = PHASE_NONE;
  #previous = -1;
  #binary = false;
  #nonSync = false;
  #sawDigit = false;
  #value = 0;

  reset(): void {
    this.#phase = PHASE_NONE;
    this.#previous = -1;
  }

  feed(bytes: Uint8Array, start: number, end: number): void {
    if (start >= end) return;
    const brace = lastIndexOfByte(bytes, 0x7b, start, end);
    if (brace < 0 && this.#phase === PHASE_NONE) {
      // Only "{" leaves the idle state: skip the scan, as long lines being discarded are mostly idle.
      this.#previous = bytes[end - 1] ?? -1;
      return;
    }
    let from = start;
    if (brace > start) {
      this.#previous = bytes[brace - 1] ?? -1;
      from = brace;
    }
    for (let i = from; i < end; i++) this.feedByte(bytes[i] ?? 0);
  }

  feedByte(byte: number): void {
    if (byte === 0x7b) {
      this.#phase = PHASE_DIGITS;
      this.#binary = this.#previous === 0x7e;
      this.#nonSync = false;
      this.#sawDigit = false;
      this.#value = 0;
    } else if (this.#phase === PHASE_DIGITS && byte >= 0x30 && byte <= 0x39) {
      this.#sawDigit = true;
      // Saturate instead of losing precision: any size that large is over every limit.
      const next = this.#value * 10 + (byte - 0x30);
      this.#value = next > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : next;
    } else if (this.#phase === PHASE_DIGITS && byte === 0x2b && this.#sawDigit) {
      this.#phase = PHASE_PLUS;
      this.#nonSync = true;
    } else if (
      byte === 0x7d &&
      (this.#phase === PHASE_PLUS || (this.#phase === PHASE_DIGITS && this.#sawDigit))
    ) {
      this.#phase = PHASE_CLOSED;
    } else {
      this.#phase = PHASE_NONE;
    }
    this.#previous = byte;
  }

  result(): LiteralHeader | null {
    if (this.#phase !== PHASE_CLOSED) return null;
    return { size: this.#value, binary: this.#binary, nonSync: this.#nonSync };
  }
}

function lastIndexOfByte(bytes: Uint8Array, byte: number, start: number, end: number): number {
  for (let i = end - 1; i >= start; i--) if (bytes[i] === byte) return i;
  return -1;
}

/** The literal header that ends a complete line, if any. */
export function literalHeaderAtEnd(line: Uint8Array): LiteralHeader | null {
  const scanner = new LiteralHeaderScanner();
  scanner.feed(line, 0, line.length);
  return scanner.result();
}
