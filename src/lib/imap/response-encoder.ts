/**
 * Building IMAP server responses (RFC 9051 §7, RFC 3501 §7) as Buffers, with every value encoded in
 * the one form the grammar allows for it.
 *
 * Implementation notes
 * - Plain JS strings are always IMAP strings (quoted or literal), never atoms: data can never turn
 *   into syntax. Keywords, flags and pre-formatted tokens are explicit (atom, flag, raw), and are
 *   validated when built; an invalid one is a bug in our code and throws a RangeError there.
 * - A string is quoted when it is short (≤ 1024 octets) and every octet is printable 7-bit; with
 *   UTF8=ACCEPT or IMAP4rev2 enabled (`utf8`), valid UTF-8 may be quoted too (RFC 6855 §3, RFC 9051
 *   `QUOTED-CHAR`), except C1 controls. Anything else (CR, LF, other controls, 8-bit text for a
 *   client that did not enable UTF-8, long text) goes as a literal `{n}`. IMAP strings cannot carry
 *   NUL at all (CHAR8 excludes it), so a string with NUL becomes a literal8 `~{n}`, which RFC 3516
 *   allows only in BINARY responses; `binary()` is the intended way there.
 * - JS strings are sent as UTF-8; a lone surrogate (not Unicode) becomes U+FFFD, as in Buffer.from.
 * - Mailbox names go through mailbox(): modified UTF-7 unless the client enabled UTF-8, then an
 *   atom when possible. NIL is never sent as a bare atom where a string is meant: "NIL" is quoted.
 * - Response text (resp-text) is sanitised, never rejected: CR, LF and other controls become spaces
 *   (a response split in two lines is a response injection), non-ASCII becomes "?" unless UTF-8 is
 *   enabled (RFC 9051 `text`), a leading "[" without a response code becomes "(" so client text can
 *   never pose as a code such as [ALERT], and empty text gets a default (RFC 3501 requires text).
 * - Response code arguments cannot use literals and must not contain "]" (the generic
 *   resp-text-code grammar ends at the first "]"); such an argument throws a RangeError.
 */
import { isUtf8 } from 'node:buffer';
import { encodeMutf7 } from './mutf7.js';
import { BACKSLASH, C_QUOTABLE, C_TAG, charClass, isAtomText } from './syntax.js';

const TOKEN: unique symbol = Symbol('imap.response-token');
const MAX_QUOTED = 1024;
const MAX_NUMBER64 = 9_223_372_036_854_775_807n;

export type ResponseToken =
  | { readonly [TOKEN]: 'verbatim'; readonly text: string }
  | { readonly [TOKEN]: 'astring'; readonly text: string }
  | { readonly [TOKEN]: 'mailbox'; readonly name: string }
  | { readonly [TOKEN]: 'string'; readonly value: string | Buffer }
  | { readonly [TOKEN]: 'literal'; readonly data: Buffer; readonly binary: boolean };

export type ResponseValue =
  | string
  | number
  | bigint
  | null
  | Buffer
  | ResponseToken
  | readonly ResponseValue[];

export interface ResponseCode {
  readonly [TOKEN]: 'code';
  readonly name: string;
  readonly args: readonly ResponseValue[];
}

export type ResponseStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

/** A keyword or other atom: FETCH, FLAGS, UIDNEXT, a sequence set like 1:3,5. */
export function atom(text: string): ResponseToken {
  if (!isAtomText(text)) throw new RangeError(`Not an IMAP atom: ${JSON.stringify(text)}`);
  return { [TOKEN]: 'verbatim', text };
}

/** A system flag (\Seen), `\*` in PERMANENTFLAGS, or a keyword ($Forwarded). */
export function flag(name: string): ResponseToken {
  const valid = name === '\\*' || isAtomText(name.charCodeAt(0) === BACKSLASH ? name.slice(1) : name);
  if (!valid) throw new RangeError(`Not an IMAP flag: ${JSON.stringify(name)}`);
  return { [TOKEN]: 'verbatim', text: name };
}

/**
 * Pre-formatted printable 7-bit text sent as is, e.g. a FETCH item name such as
 * `BODY[HEADER.FIELDS (From)]<0>`. The caller vouches for its syntax.
 */
export function raw(text: string): ResponseToken {
  for (let i = 0; i < text.length; i++) {
    if (!(charClass(text.charCodeAt(i)) & C_QUOTABLE)) {
      throw new RangeError(`Raw response text must be printable ASCII: ${JSON.stringify(text)}`);
    }
  }
  if (text.length === 0) throw new RangeError('Raw response text must not be empty');
  return { [TOKEN]: 'verbatim', text };
}

/** An astring: an atom when the text allows it, else a string. */
export function astring(text: string): ResponseToken {
  return { [TOKEN]: 'astring', text };
}

/** A mailbox name: modified UTF-7 unless the client enabled UTF-8, then an astring. */
export function mailbox(name: string): ResponseToken {
  return { [TOKEN]: 'mailbox', name };
}

/** An IMAP string (quoted or literal); same as passing the string or Buffer directly. */
export function string(value: string | Buffer): ResponseToken {
  return { [TOKEN]: 'string', value };
}

/** A literal `{n}`, whatever the content (NUL excepted: see binary()). */
export function literal(data: string | Buffer): ResponseToken {
  return {
    [TOKEN]: 'literal',
    data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    binary: false,
  };
}

/** A literal8 `~{n}` (RFC 3516). */
export function literal8(data: Buffer): ResponseToken {
  return { [TOKEN]: 'literal', data, binary: true };
}

/** BINARY[...] content: a literal8 when it contains NUL, else a plain literal (RFC 3516 §4.2). */
export function binary(data: Buffer): ResponseToken {
  return { [TOKEN]: 'literal', data, binary: data.includes(0) };
}

/** A response code, e.g. code('UIDNEXT', 5), code('PERMANENTFLAGS', [flag('\\Seen'), flag('\\*')]). */
export function code(name: string, ...args: ResponseValue[]): ResponseCode {
  if (!isAtomText(name)) throw new RangeError(`Not a response code name: ${JSON.stringify(name)}`);
  return { [TOKEN]: 'code', name, args };
}

export interface EncoderOptions {
  /** The client enabled UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051). */
  utf8?: boolean;
}

const DEFAULT_TEXT: Record<ResponseStatus, string> = {
  OK: 'Completed',
  NO: 'Failed',
  BAD: 'Invalid command',
  BYE: 'Closing connection',
  PREAUTH: 'Ready',
};

const CRLF = Buffer.from('\r\n');

class Writer {
  readonly chunks: Buffer[] = [];
  #text = '';

  text(value: string): void {
    this.#text += value;
  }

  bytes(value: Buffer): void {
    this.flush();
    this.chunks.push(value);
  }

  flush(): void {
    if (this.#text.length === 0) return;
    this.chunks.push(Buffer.from(this.#text, 'utf8'));
    this.#text = '';
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

function isToken(value: object): value is ResponseToken {
  return TOKEN in value;
}

function quotable(bytes: Buffer, utf8: boolean): boolean {
  let eightBit = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b >= 0x80) {
      // U+0080-U+009F (C1 controls) encode as C2 80 - C2 9F.
      if (b === 0xc2 && (bytes[i + 1] ?? 0) < 0xa0) return false;
      eightBit = true;
    } else if (!(charClass(b) & C_QUOTABLE)) {
      return false;
    }
  }
  return !eightBit || (utf8 && isUtf8(bytes));
}

function quote(bytes: Buffer): string {
  return `"${bytes.toString('utf8').replace(/["\\]/g, '\\$&')}"`;
}

export class ResponseEncoder {
  /** Set once the client has enabled UTF8=ACCEPT or IMAP4rev2. */
  utf8: boolean;

  constructor(options: EncoderOptions = {}) {
    this.utf8 = options.utf8 ?? false;
  }

  /** One value, as it would appear inside a response. */
  encode(value: ResponseValue): Buffer {
    const writer = new Writer();
    this.#value(writer, value, false);
    return writer.finish();
  }

  /**
   * A string or NIL as wire text, for responses assembled as text (FETCH ENVELOPE, BODYSTRUCTURE).
   * Same bytes as encode(); printable ASCII short enough to quote, by far the common case in
   * envelopes, skips the Buffer round trip.
   */
  nstring(value: string | null): string {
    if (value === null) return 'NIL';
    if (value.length <= MAX_QUOTED) {
      let plain = true;
      for (let i = 0; i < value.length && plain; i++) {
        const c = value.charCodeAt(i);
        plain = c >= 0x20 && c < 0x7f;
      }
      if (plain) return `"${value.replace(/["\\]/g, '\\$&')}"`;
    }
    return this.encode(value).toString('utf8');
  }

  /** `* values…` */
  untagged(...values: ResponseValue[]): Buffer {
    const writer = new Writer();
    writer.text('*');
    for (const value of values) {
      writer.text(' ');
      this.#value(writer, value, false);
    }
    writer.bytes(CRLF);
    return writer.finish();
  }

  /** `* OK [code] text` (also NO, BAD, BYE, PREAUTH). */
  status(status: ResponseStatus, text: string, responseCode?: ResponseCode | null): Buffer {
    return this.#statusLine('*', status, text, responseCode ?? null);
  }

  /** `tag OK [code] text`: the command's completion. */
  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, responseCode?: ResponseCode | null): Buffer {
    let valid = tag.length > 0;
    for (let i = 0; i < tag.length && valid; i++) valid = (charClass(tag.charCodeAt(i)) & C_TAG) !== 0;
    if (!valid) throw new RangeError(`Not an IMAP tag: ${JSON.stringify(tag)}`);
    return this.#statusLine(tag, status, text, responseCode ?? null);
  }

  /** `+ text`: a command continuation request (text may be a SASL base64 challenge, or empty). */
  continuation(text = ''): Buffer {
    return Buffer.from(`+ ${this.sanitizeText(text, false)}\r\n`, 'utf8');
  }

  /** resp-text: one line, no controls, 7-bit unless UTF-8 is enabled, never starting with "[". */
  sanitizeText(text: string, hasCode: boolean): string {
    let out = '';
    for (const ch of text) {
      const c = ch.codePointAt(0) ?? 0;
      if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) out += ' ';
      else if (c >= 0xd800 && c <= 0xdfff) out += this.utf8 ? '\ufffd' : '?';
      else if (c >= 0x80 && !this.utf8) out += '?';
      else out += ch;
    }
    if (!hasCode && out.startsWith('[')) out = `(${out.slice(1)}`;
    return out;
  }

  #statusLine(
    prefix: string,
    status: ResponseStatus,
    text: string,
    responseCode: ResponseCode | null,
  ): Buffer {
    const writer = new Writer();
    writer.text(`${prefix} ${status} `);
    if (responseCode !== null) {
      const inner = new Writer();
      inner.text(responseCode.name);
      for (const arg of responseCode.args) {
        inner.text(' ');
        this.#value(inner, arg, true);
      }
      const encoded = inner.finish();
      if (encoded.includes(0x5d) || encoded.includes(0x0d) || encoded.includes(0x0a)) {
        throw new RangeError(
          `Response code ${responseCode.name} has an argument containing "]" or a line end`,
        );
      }
      writer.text('[');
      writer.bytes(encoded);
      writer.text('] ');
    }
    const clean = this.sanitizeText(text, responseCode !== null);
    writer.text(clean.length > 0 ? clean : DEFAULT_TEXT[status]);
    writer.bytes(CRLF);
    return writer.finish();
  }

  #value(writer: Writer, value: ResponseValue, inCode: boolean): void {
    if (value === null) {
      writer.text('NIL');
    } else if (typeof value === 'string' || Buffer.isBuffer(value)) {
      this.#string(writer, value, inCode);
    } else if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Not an IMAP number: ${value}`);
      writer.text(String(value));
    } else if (typeof value === 'bigint') {
      if (value < 0n || value > MAX_NUMBER64) throw new RangeError(`Not an IMAP number64: ${value}`);
      writer.text(value.toString());
    } else if (Array.isArray(value)) {
      writer.text('(');
      value.forEach((item: ResponseValue, index: number) => {
        if (index > 0) writer.text(' ');
        this.#value(writer, item, inCode);
      });
      writer.text(')');
    } else if (isToken(value)) {
      this.#token(writer, value, inCode);
    } else {
      throw new RangeError('Not an IMAP response value');
    }
  }

  #token(writer: Writer, token: ResponseToken, inCode: boolean): void {
    switch (token[TOKEN]) {
      case 'verbatim':
        writer.text(token.text);
        return;
      case 'astring':
        this.#astring(writer, token.text, inCode);
        return;
      case 'mailbox': {
        const name = token.name.toUpperCase() === 'INBOX' ? 'INBOX' : token.name;
        this.#astring(writer, this.utf8 ? name : encodeMutf7(name), inCode);
        return;
      }
      case 'string':
        this.#string(writer, token.value, inCode);
        return;
      case 'literal':
        if (inCode) throw new RangeError('A literal cannot appear in a response code');
        this.#literal(writer, token.data, token.binary);
        return;
    }
  }

  #astring(writer: Writer, text: string, inCode: boolean): void {
    if (isAtomText(text) && text.toUpperCase() !== 'NIL') writer.text(text);
    else this.#string(writer, text, inCode);
  }

  #string(writer: Writer, value: string | Buffer, inCode: boolean): void {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const fits = (inCode || bytes.length <= MAX_QUOTED) && quotable(bytes, this.utf8);
    if (fits) {
      writer.text(quote(bytes));
      return;
    }
    if (inCode) throw new RangeError('A response code argument needs a literal');
    this.#literal(writer, bytes, bytes.includes(0));
  }

  #literal(writer: Writer, data: Buffer, binaryLiteral: boolean): void {
    writer.text(`${binaryLiteral ? '~' : ''}{${data.length}}\r\n`);
    writer.bytes(data);
  }
}

/** Encodes one value with a throwaway encoder: `encodeValue('a"b')` → `"a\"b"`. */
export function encodeValue(value: ResponseValue, options: EncoderOptions = {}): Buffer {
  return new ResponseEncoder(options).encode(value);
}
