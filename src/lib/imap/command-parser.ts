/**
 * Parsing of one framed IMAP command into a syntax tree: tag, upper-cased name, argument nodes.
 *
 * Implementation notes
 * - Generic on purpose: the tree follows the shared lexical grammar of RFC 9051 §9 (atoms, quoted
 *   strings, literals, parenthesised lists), and each command handler then checks its own
 *   arguments with the helpers of arguments.ts and sequence-set.ts. One parser for every command
 *   means one place to get quoting, escapes and literals right.
 * - Strict where the grammar is: one SP between tokens (no leading, trailing or doubled spaces),
 *   `\` only as a flag prefix, no 8-bit bytes or CTLs in atoms, quoted-specials escaped, no NUL in a
 *   quoted string or in a non-binary literal (CHAR8 excludes it; binary data travels in `~{n}`,
 *   RFC 3516). Anything else is an ImapProtocolError value fit for `tag BAD text`, never a throw.
 * - Atoms keep the client's case; the command name is upper-cased, and `UID x` is folded into one
 *   name ("UID FETCH") so that dispatch is a single lookup.
 * - Bare tokens are read as 1*(ASTRING-CHAR / list-wildcards), plus a leading `\`: that covers
 *   astrings, flags (`\Seen`, `$Forwarded`), LIST patterns (`%`, `*`), sequence sets (`1:*,5`),
 *   `$` (SEARCHRES) and numbers. Numbers and NIL stay atoms: their meaning depends on the grammar
 *   position (`SELECT NIL` names a mailbox, `ID NIL` means null; `123` may be a mailbox name), so
 *   arguments.ts gives isNil and number readers instead of guessing here.
 * - After BODY, BODY.PEEK, BINARY, BINARY.PEEK or BINARY.SIZE (case-insensitive), "[" opens a
 *   section whose contents (atoms, lists, strings, even literals: header-fld-name is an astring)
 *   are parsed into `section`, followed by an optional `<origin.length>` in `partial`. After any
 *   other prefix "[" is an ordinary ATOM-CHAR, so `[Gmail]/Sent` stays an astring.
 * - Quoted strings decode to a JS string. RFC 9051 (and RFC 6855 for UTF8=ACCEPT) admits UTF-8 in
 *   them, RFC 3501 only 7-bit; we accept valid UTF-8 from every client and reject anything else, so
 *   the decoding is lossless. Literals stay bytes (Buffer): their charset depends on the command
 *   (SEARCH CHARSET, APPEND message data), and decoding them is the handler's decision.
 * - Nesting of lists and sections is capped (maxDepth, 64): the recursion depth is the threat.
 *   A partial's numbers are number64 and clamped to Number.MAX_SAFE_INTEGER, which no message
 *   reaches, so the result of the FETCH is unchanged.
 */
import { isUtf8 } from 'node:buffer';
import type { CommandFrame } from './command-reader.js';
import { ImapProtocolError, type ImapResult } from './errors.js';
import {
  BACKSLASH,
  C_ASTRING,
  C_ATOM,
  C_TAG,
  C_WILDCARD,
  CR,
  charClass,
  DQUOTE,
  LF,
  literalHeaderAtEnd,
  SP,
} from './syntax.js';

export interface PartialRange {
  readonly offset: number;
  readonly length: number;
}

export interface AtomNode {
  readonly type: 'atom';
  /** The token as sent; for a section-bearing atom, the part before "[" (e.g. `BODY.PEEK`). */
  readonly value: string;
  readonly section?: readonly ImapNode[];
  readonly partial?: PartialRange;
}

export interface QuotedNode {
  readonly type: 'quoted';
  readonly value: string;
}

export interface LiteralNode {
  readonly type: 'literal';
  readonly value: Buffer;
  /** Sent as literal8 (`~{n}`, RFC 3516): may contain NUL. */
  readonly binary: boolean;
}

export interface ListNode {
  readonly type: 'list';
  readonly items: readonly ImapNode[];
}

export type ImapNode = AtomNode | QuotedNode | LiteralNode | ListNode;

export interface ImapCommand {
  readonly tag: string;
  /** Upper-cased; `UID FETCH`, `UID SEARCH`… for the UID forms. */
  readonly name: string;
  readonly args: readonly ImapNode[];
}

export interface ParserOptions {
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const SECTION_PREFIXES = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
const MAX_NUMBER64 = 9_223_372_036_854_775_807n;

class Failure {
  constructor(readonly message: string) {}
}

function failure(message: string): never {
  throw new Failure(message);
}

/** A command as one buffer (lines with CRLF or LF, literal bytes inline, last line end optional). */
export function frameCommand(input: Buffer): ImapResult<CommandFrame> {
  const lines: Buffer[] = [];
  const literals: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lf = input.indexOf(LF, pos);
    let contentEnd = lf < 0 ? input.length : lf;
    if (lf >= 0 && contentEnd > pos && input[contentEnd - 1] === CR) contentEnd--;
    const line = input.subarray(pos, contentEnd);
    lines.push(line);
    const header = lf >= 0 ? literalHeaderAtEnd(line) : null;
    if (header === null) {
      if (lf >= 0 && lf + 1 !== input.length) return syntaxError('Data after the end of the command', null);
      return { ok: true, value: { lines, literals } };
    }
    const start = lf + 1;
    if (!Number.isSafeInteger(header.size) || start + header.size > input.length) {
      return syntaxError('Truncated literal', null);
    }
    literals.push(input.subarray(start, start + header.size));
    pos = start + header.size;
  }
}

function syntaxError<T>(message: string, tag: string | null): ImapResult<T> {
  return { ok: false, error: new ImapProtocolError('imap.syntax', message, { tag }) };
}

/** Parses one command; never throws. */
export function parseCommand(
  input: CommandFrame | Buffer | string,
  options: ParserOptions = {},
): ImapResult<ImapCommand> {
  let frame: CommandFrame;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const framed = frameCommand(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
    if (!framed.ok) return framed;
    frame = framed.value;
  } else {
    frame = input;
    if (!isFrame(frame)) return syntaxError('Malformed command frame', null);
  }
  const parser = new Parser(frame, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    return { ok: true, value: parser.command() };
  } catch (error) {
    if (error instanceof Failure) return syntaxError(error.message, parser.tag);
    // Defensive: a bug here must still become a BAD, not a crash of the connection handler.
    return syntaxError('Unparseable command', parser.tag);
  }
}

function isFrame(frame: CommandFrame): boolean {
  return (
    Array.isArray(frame.lines) &&
    Array.isArray(frame.literals) &&
    frame.lines.length === frame.literals.length + 1 &&
    frame.lines.every((line) => Buffer.isBuffer(line)) &&
    frame.literals.every((literal) => Buffer.isBuffer(literal))
  );
}

class Parser {
  tag: string | null = null;
  #lines: readonly Buffer[];
  #literals: readonly Buffer[];
  #li = 0;
  #line: Buffer;
  #pos = 0;
  #depth = 0;
  readonly #maxDepth: number;

  constructor(frame: CommandFrame, maxDepth: number) {
    this.#lines = frame.lines;
    this.#literals = frame.literals;
    this.#line = frame.lines[0] ?? Buffer.alloc(0);
    this.#maxDepth = maxDepth;
  }

  command(): ImapCommand {
    const tagEnd = this.#scan(C_TAG);
    if (tagEnd === 0) failure(this.#peek() === -1 ? 'Empty command' : 'Invalid tag');
    if (this.#peek() !== SP) failure(this.#peek() === -1 ? 'Missing command name' : 'Invalid tag');
    const tag = this.#line.toString('latin1', 0, tagEnd);
    this.tag = tag;
    this.#pos++;
    let name = this.#name();
    const args: ImapNode[] = [];
    while (!this.#atCommandEnd()) {
      if (this.#peek() !== SP) failure('Expected a space between arguments');
      this.#pos++;
      args.push(this.#node(false));
    }
    if (name === 'UID') {
      const sub = args.shift();
      if (
        sub === undefined ||
        sub.type !== 'atom' ||
        sub.section !== undefined ||
        !isCommandName(sub.value)
      ) {
        failure('UID must be followed by a command name');
      }
      name = `UID ${sub.value.toUpperCase()}`;
    }
    return { tag, name, args };
  }

  #name(): string {
    const start = this.#pos;
    const end = this.#scan(C_ATOM);
    const next = this.#peek();
    if (end === start) failure(next === -1 ? 'Missing command name' : 'Invalid command name');
    if (next !== -1 && next !== SP) failure('Invalid command name');
    return this.#line.toString('latin1', start, end).toUpperCase();
  }

  /** Advances over bytes of the given class on the current line; returns the new position. */
  #scan(mask: number): number {
    const line = this.#line;
    let pos = this.#pos;
    while (pos < line.length && charClass(line[pos] ?? 0) & mask) pos++;
    this.#pos = pos;
    return pos;
  }

  #peek(): number {
    return this.#line[this.#pos] ?? -1;
  }

  #atCommandEnd(): boolean {
    if (this.#pos < this.#line.length) return false;
    if (this.#li < this.#lines.length - 1) failure('Literal in an unexpected place');
    return true;
  }

  #node(inSection: boolean): ImapNode {
    const c = this.#peek();
    switch (c) {
      case 0x28:
        return this.#list(inSection);
      case DQUOTE:
        return this.#quoted();
      case 0x7b:
        return this.#literal(false);
      case 0x7e:
        if (this.#line[this.#pos + 1] === 0x7b) return this.#literal(true);
        return this.#atom(inSection);
      case -1:
        return failure(
          this.#li < this.#lines.length - 1 ? 'Literal in an unexpected place' : 'Missing argument',
        );
      case SP:
        return failure('Unexpected space');
      case 0x29:
        return failure("Unexpected ')'");
      default:
        return this.#atom(inSection);
    }
  }

  #enter(): void {
    if (++this.#depth > this.#maxDepth) failure('Too deeply nested');
  }

  #list(inSection: boolean): ListNode {
    this.#enter();
    this.#pos++;
    const items: ImapNode[] = [];
    if (this.#peek() === 0x29) {
      this.#pos++;
    } else {
      for (;;) {
        items.push(this.#node(inSection));
        const c = this.#peek();
        if (c === 0x29) {
          this.#pos++;
          break;
        }
        if (c === -1) failure("Missing ')'");
        if (c !== SP) failure("Expected a space or ')'");
        this.#pos++;
      }
    }
    this.#depth--;
    return { type: 'list', items };
  }

  #quoted(): QuotedNode {
    const line = this.#line;
    const start = this.#pos + 1;
    const out = Buffer.allocUnsafe(line.length - start);
    let length = 0;
    let eightBit = false;
    for (let i = start; i < line.length; i++) {
      const b = line[i] ?? 0;
      if (b === DQUOTE) {
        this.#pos = i + 1;
        const bytes = out.subarray(0, length);
        if (eightBit && !isUtf8(bytes)) failure('Quoted string is not valid UTF-8');
        return { type: 'quoted', value: bytes.toString('utf8') };
      }
      if (b === BACKSLASH) {
        const escaped = line[i + 1];
        if (escaped !== DQUOTE && escaped !== BACKSLASH) failure('Invalid escape in quoted string');
        out[length++] = escaped;
        i++;
        continue;
      }
      if (b === 0) failure('NUL in quoted string');
      if (b === CR) failure('CR in quoted string');
      if (b >= 0x80) eightBit = true;
      out[length++] = b;
    }
    return failure('Unterminated quoted string');
  }

  #literal(binary: boolean): LiteralNode {
    const line = this.#line;
    let pos = this.#pos + (binary ? 2 : 1);
    const digitsStart = pos;
    while (pos < line.length && (line[pos] ?? 0) >= 0x30 && (line[pos] ?? 0) <= 0x39) pos++;
    const digits = line.toString('latin1', digitsStart, pos);
    if (line[pos] === 0x2b) pos++;
    if (digits.length === 0 || line[pos] !== 0x7d) failure('Invalid literal');
    pos++;
    if (pos !== line.length || this.#li >= this.#lines.length - 1)
      failure('Literal header must end the line');
    const data = this.#literals[this.#li];
    const significant = digits.replace(/^0+(?=\d)/, '');
    if (data === undefined || significant.length > 16 || Number(significant) !== data.length) {
      failure('Literal length mismatch');
    }
    if (!binary && data.includes(0)) failure('NUL in literal, send binary data as ~{n}');
    this.#li++;
    this.#line = this.#lines[this.#li] ?? Buffer.alloc(0);
    this.#pos = 0;
    return { type: 'literal', value: data, binary };
  }

  #atom(inSection: boolean): AtomNode {
    const line = this.#line;
    const start = this.#pos;
    let pos = start;
    const mask = inSection ? C_ATOM : C_ASTRING | C_WILDCARD;
    if (!inSection && line[pos] === BACKSLASH) pos++;
    let section: ImapNode[] | undefined;
    let partial: PartialRange | undefined;
    let valueEnd = -1;
    while (pos < line.length) {
      const b = line[pos] ?? 0;
      if (b === 0x5b) {
        if (inSection) failure("Unexpected '[' in section");
        const prefix = line.toString('latin1', start, pos).toUpperCase();
        if (SECTION_PREFIXES.has(prefix)) {
          valueEnd = pos;
          this.#pos = pos;
          section = this.#section();
          if (this.#peek() === 0x3c) {
            if (prefix === 'BINARY.SIZE') failure('BINARY.SIZE takes no partial');
            partial = this.#partial();
          }
          pos = this.#pos;
          break;
        }
      }
      if (!(charClass(b) & mask)) break;
      pos++;
    }
    if (valueEnd < 0) {
      valueEnd = pos;
      this.#pos = pos;
      if (pos === start || (pos === start + 1 && line[start] === BACKSLASH)) failure('Unexpected character');
    }
    const next = this.#peek();
    if (next !== -1 && next !== SP && next !== 0x29 && !(inSection && next === 0x5d)) {
      failure('Unexpected character in atom');
    }
    const value = line.toString('latin1', start, valueEnd);
    if (section === undefined) return { type: 'atom', value };
    return partial === undefined
      ? { type: 'atom', value, section }
      : { type: 'atom', value, section, partial };
  }

  #section(): ImapNode[] {
    this.#enter();
    this.#pos++;
    const items: ImapNode[] = [];
    if (this.#peek() === 0x5d) {
      this.#pos++;
    } else {
      for (;;) {
        items.push(this.#node(true));
        const c = this.#peek();
        if (c === 0x5d) {
          this.#pos++;
          break;
        }
        if (c === -1) failure("Missing ']'");
        if (c !== SP) failure("Expected a space or ']'");
        this.#pos++;
      }
    }
    this.#depth--;
    return items;
  }

  #partial(): PartialRange {
    const line = this.#line;
    const match = /^<(\d+)\.([1-9]\d*)>/.exec(
      line.toString('latin1', this.#pos, Math.min(line.length, this.#pos + 64)),
    );
    if (match === null) failure('Invalid partial, expected <offset.length>');
    const [whole, offset = '', length = ''] = match;
    this.#pos += whole.length;
    const clamp = (digits: string): number => {
      const value = BigInt(digits);
      if (value > MAX_NUMBER64) failure('Number out of range');
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
    };
    return { offset: clamp(offset), length: clamp(length) };
  }
}

function isCommandName(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!(charClass(text.charCodeAt(i)) & C_ATOM)) return false;
  return true;
}
