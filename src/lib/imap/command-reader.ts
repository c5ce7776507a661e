/**
 * Incremental framing of IMAP client commands (RFC 9051 §2.2.1, §4.3; RFC 3501): raw bytes in, one
 * complete command at a time out, with its literals read and the continuation requests delegated.
 *
 * Implementation notes
 * - Pull model: `push()` only queues bytes; `next()` frames lazily and stops after each command, so
 *   the server can switch the reader to raw-line mode (AUTHENTICATE responses, IDLE's DONE) before
 *   the bytes that follow are interpreted, and can decide on a synchronizing literal after the
 *   commands before it have run (a pipelined LOGIN decides whether an APPEND may proceed). The
 *   outcome depends only on the byte stream and the server's decisions, never on chunking: one byte
 *   at a time gives the same events as everything at once (property-tested, fixed seed).
 * - Never throws on input, never loops without consuming input. `next()` returns null only when it
 *   needs more bytes, awaits a literal decision, or after a fatal error.
 * - Lines end at LF; a CR just before it is dropped, so bare LF is accepted. Empty command lines
 *   are skipped: RFC 9051 has no empty command, and answering a stray CRLF with `* BAD` only
 *   confuses the client that sent it.
 * - Literals are recognised only at the end of a line ({n}, {n+}, ~{n}, ~{n+}), which is where the
 *   grammar puts them; the parser later checks that they stand where a string may.
 * - Limits, each with the threat it stops (`heldBytes`, the command being assembled, never exceeds
 *   maxCommandSize + maxLineLength; add the line buffer, at most maxLineLength, and the unframed
 *   input, which the caller bounds with `bufferedBytes` and socket backpressure):
 *   - maxLineLength (64 KiB, literals excluded): a line without end. Over it, the command is
 *     answered at once (error event, tag when readable) and the rest of the line is skipped without
 *     being kept; a literal header at the end of the skipped line is still honoured, so the literal
 *     bytes that a non-synchronizing header announces are not taken for commands.
 *   - maxLiteralSize (64 MiB): one huge string. A synchronizing literal over it is refused before
 *     its bytes are sent (error event, the server answers and the client will not send them); a
 *     non-synchronizing one is read and discarded, never buffered, and the command fails.
 *   - maxNonSyncLiteralSize (4096, LITERAL- of RFC 7888 §4 and RFC 9051 §4.3): a client that skips
 *     the round trip for big uploads. Raise it to maxLiteralSize to offer LITERAL+.
 *   - maxCommandSize (maxLiteralSize + 1 MiB): many literals in one command (MULTIAPPEND, CATENATE).
 *   - maxLiterals (1024): a flood of `{0+}` literals costing a Buffer object each.
 * - A non-synchronizing header whose size does not fit in a safe integer cannot be skipped exactly;
 *   that error is fatal (the server should send BYE and close) and the reader stops.
 * - A synchronizing literal on a line without a valid tag is refused by the reader itself: the
 *   client could not be told the outcome of that command anyway.
 * - Bytes pushed are read, never modified or kept by reference past framing: lines and literals
 *   are copied into buffers of their exact size (literals allocated once, when announced).
 */
import { ImapLimitError, ImapProtocolError } from './errors.js';
import { CR, LF, type LiteralHeader, LiteralHeaderScanner, readCommandName, readTag } from './syntax.js';

export interface CommandReaderLimits {
  maxLineLength: number;
  maxLiteralSize: number;
  maxNonSyncLiteralSize: number;
  maxCommandSize: number;
  maxLiterals: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_READER_LIMITS: Readonly<CommandReaderLimits> = Object.freeze({
  maxLineLength: 64 * 1024,
  maxLiteralSize: 64 * MiB,
  maxNonSyncLiteralSize: 4096,
  maxCommandSize: 65 * MiB,
  maxLiterals: 1024,
});

/**
 * One complete command: its lines without their line ends, and the literal bytes that follow every
 * line but the last (which end with the literal header). lines.length === literals.length + 1.
 */
export interface CommandFrame {
  readonly lines: readonly Buffer[];
  readonly literals: readonly Buffer[];
}

export type ReaderEvent =
  /** A complete command, for parseCommand. */
  | { readonly type: 'command'; readonly frame: CommandFrame }
  /**
   * A synchronizing literal was announced. Send `+ …` and call acceptLiteral(), or answer the tag
   * with NO/BAD and call rejectLiteral(); the reader waits for one of them.
   */
  | {
      readonly type: 'literal';
      readonly tag: string;
      readonly command: string | null;
      readonly size: number;
      readonly binary: boolean;
    }
  /** A line read in raw mode (expectRawLine), without its line end. */
  | { readonly type: 'line'; readonly line: Buffer }
  /** The current command (or raw line) is rejected; answer `tag BAD`, or BYE when error.fatal. */
  | { readonly type: 'error'; readonly error: ImapProtocolError };

const EMPTY = Buffer.alloc(0);
const CR_BYTE = Buffer.from([CR]);

function resolveLimits(limits: Partial<CommandReaderLimits> | undefined): CommandReaderLimits {
  const resolved: CommandReaderLimits = { ...DEFAULT_READER_LIMITS };
  for (const key of Object.keys(DEFAULT_READER_LIMITS) as Array<keyof CommandReaderLimits>) {
    const value = limits?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new ImapLimitError(`${key} must be a non-negative integer, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  if (limits?.maxCommandSize === undefined) {
    resolved.maxCommandSize = Math.max(resolved.maxCommandSize, resolved.maxLiteralSize + MiB);
  }
  return resolved;
}

type Phase = 'line' | 'literal' | 'await' | 'closed';

export class CommandReader {
  readonly limits: Readonly<CommandReaderLimits>;

  // Unprocessed input.
  #queue: Buffer[] = [];
  // Index of the first unconsumed chunk: Array#shift is linear, and a slow server may let many
  // small chunks pile up.
  #head = 0;
  #offset = 0;
  #queued = 0;
  #out: ReaderEvent[] = [];
  #phase: Phase = 'line';

  // The line being read.
  #line: Buffer;
  #lineLength = 0;
  #lineStarted = false;
  #lineOverflow = false;
  #heldCR = false;
  #scanner = new LiteralHeaderScanner();
  #raw = false;
  #rawRequested = false;

  // The command being assembled.
  #lines: Buffer[] = [];
  #literals: Buffer[] = [];
  #size = 0;
  #discarding = false;
  #discardTag: string | null = null;

  // The literal being read or skipped, or awaiting the server's decision.
  #literal: Buffer | null = null;
  #filled = 0;
  #skip = 0;
  #pending: LiteralHeader | null = null;

  constructor(limits?: Partial<CommandReaderLimits>) {
    this.limits = Object.freeze(resolveLimits(limits));
    this.#line = Buffer.alloc(Math.min(1024, this.limits.maxLineLength));
  }

  /** Queues bytes from the client. Ignored after a fatal error. */
  push(chunk: Uint8Array): void {
    if (this.#phase === 'closed' || chunk.length === 0) return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.#queue.push(buffer);
    this.#queued += buffer.length;
  }

  /** The next event, or null when more input (or a literal decision) is needed. */
  next(): ReaderEvent | null {
    for (;;) {
      const event = this.#out.shift();
      if (event !== undefined) return event;
      if (this.#phase === 'closed' || this.#phase === 'await') return null;
      if (this.#phase === 'literal') {
        if (this.#literalRemaining() === 0) {
          this.#finishLiteral();
          continue;
        }
        if (this.#queued === 0) return null;
        this.#consumeLiteral();
        continue;
      }
      if (this.#queued === 0) return null;
      this.#consumeLine();
    }
  }

  /**
   * push() then drain(). Eager: every complete command in the chunk is framed now, so a later
   * expectRawLine() only applies to bytes not yet framed. Conforming clients send a raw line only
   * after our `+`, so calling expectRawLine() before writing the `+` is enough; next() is exact
   * even for clients that pipeline a raw line behind its command.
   */
  feed(chunk: Uint8Array): ReaderEvent[] {
    this.push(chunk);
    return this.drain();
  }

  /** Every event available now, stopping after a literal request (which must be answered). */
  drain(): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    for (let event = this.next(); event !== null; event = this.next()) events.push(event);
    return events;
  }

  /** The server sent `+ …` for the announced literal; its bytes are read next. */
  acceptLiteral(): boolean {
    const pending = this.#pending;
    if (this.#phase !== 'await' || pending === null) return false;
    this.#pending = null;
    this.#startLiteral(pending.size);
    return true;
  }

  /** The server answered the command instead: the client will not send the literal. */
  rejectLiteral(): boolean {
    if (this.#phase !== 'await') return false;
    this.#resetCommand();
    this.#phase = 'line';
    return true;
  }

  /**
   * The next line that would start a command is delivered raw, as a 'line' event (a SASL response
   * after `+ challenge`, or DONE ending IDLE). Call it right after the command event that needs it.
   */
  expectRawLine(): void {
    this.#rawRequested = true;
  }

  get awaitingLiteralDecision(): boolean {
    return this.#phase === 'await';
  }

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** Input pushed but not yet framed: the caller's backpressure signal. */
  get bufferedBytes(): number {
    return this.#queued;
  }

  /** Bytes held for the command being assembled (lines, literals, the current line). */
  get heldBytes(): number {
    return this.#size + this.#lineLength;
  }

  #advance(count: number): void {
    this.#offset += count;
    this.#queued -= count;
    const head = this.#queue[this.#head];
    if (head !== undefined && this.#offset >= head.length) {
      this.#head++;
      this.#offset = 0;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head >= 1024) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
  }

  #consumeLine(): void {
    const head = this.#queue[this.#head];
    if (head === undefined) return;
    if (!this.#lineStarted && this.#rawRequested && this.#atCommandBoundary()) {
      this.#rawRequested = false;
      this.#raw = true;
    }
    const start = this.#offset;
    const lf = head.indexOf(LF, start);
    const end = lf < 0 ? head.length : lf;
    if (end > start) {
      this.#lineStarted = true;
      if (this.#heldCR) {
        this.#heldCR = false;
        this.#content(CR_BYTE, 0, 1);
      }
      let contentEnd = end;
      // A CR at the end of what we have may be the line end: hold it until the next byte tells.
      if (head[end - 1] === CR) {
        contentEnd--;
        this.#heldCR = true;
      }
      this.#content(head, start, contentEnd);
    }
    this.#advance(lf < 0 ? end - start : end - start + 1);
    if (lf >= 0) {
      this.#heldCR = false;
      this.#endOfLine();
    }
  }

  #atCommandBoundary(): boolean {
    return this.#lines.length === 0 && !this.#discarding && this.#phase === 'line';
  }

  #content(bytes: Buffer, start: number, end: number): void {
    if (start >= end) return;
    if (!this.#raw) this.#scanner.feed(bytes, start, end);
    if (this.#lineOverflow || this.#discarding) return;
    const count = end - start;
    const room = this.limits.maxLineLength - this.#lineLength;
    if (count > room) {
      this.#store(bytes, start, start + room);
      const tag = this.#raw ? null : this.#currentTag();
      this.#lineOverflow = true;
      this.#lineLength = 0;
      this.#error('imap.line_too_long', `Line longer than ${this.limits.maxLineLength} octets`, tag);
      if (!this.#raw) this.#startDiscarding(tag);
      return;
    }
    this.#store(bytes, start, end);
  }

  #store(bytes: Buffer, start: number, end: number): void {
    const needed = this.#lineLength + (end - start);
    if (needed > this.#line.length) {
      const grown = Buffer.alloc(
        Math.min(this.limits.maxLineLength, Math.max(needed, this.#line.length * 2)),
      );
      this.#line.copy(grown, 0, 0, this.#lineLength);
      this.#line = grown;
    }
    bytes.copy(this.#line, this.#lineLength, start, end);
    this.#lineLength = needed;
  }

  #currentTag(): string | null {
    if (this.#discarding) return this.#discardTag;
    const first = this.#lines[0] ?? this.#line.subarray(0, this.#lineLength);
    return readTag(first);
  }

  #endOfLine(): void {
    this.#lineStarted = false;
    const header = this.#raw ? null : this.#scanner.result();
    this.#scanner.reset();
    const overflowed = this.#lineOverflow;
    this.#lineOverflow = false;
    const content =
      overflowed || this.#lineLength === 0 ? EMPTY : Buffer.from(this.#line.subarray(0, this.#lineLength));
    this.#lineLength = 0;
    // Give back the memory of a long line; most lines are short.
    if (this.#line.length > 4096) this.#line = Buffer.alloc(Math.min(1024, this.limits.maxLineLength));

    if (this.#raw) {
      this.#raw = false;
      if (!overflowed) this.#out.push({ type: 'line', line: content });
      return;
    }
    if (this.#discarding) {
      this.#afterDiscardedLine(header);
      return;
    }
    if (this.#lines.length === 0 && content.length === 0 && header === null) return;
    if (this.#size + content.length > this.limits.maxCommandSize) {
      const tag = readTag(this.#lines[0] ?? content);
      this.#error('imap.command_too_large', 'Command too long', tag, 'TOOBIG');
      this.#startDiscarding(tag);
      this.#afterDiscardedLine(header);
      return;
    }
    this.#lines.push(content);
    this.#size += content.length;
    if (header === null) {
      this.#out.push({ type: 'command', frame: { lines: this.#lines, literals: this.#literals } });
      this.#resetCommand();
      return;
    }
    this.#literalHeader(header);
  }

  #literalHeader(header: LiteralHeader): void {
    const first = this.#lines[0] ?? EMPTY;
    const tag = readTag(first);
    const { maxLiteralSize, maxNonSyncLiteralSize, maxCommandSize, maxLiterals } = this.limits;
    let problem: [code: string, message: string] | null = null;
    if (header.nonSync && header.size > maxNonSyncLiteralSize && header.size <= maxLiteralSize) {
      problem = [
        'imap.literal_too_large',
        `Non-synchronizing literal over ${maxNonSyncLiteralSize} octets, send it synchronizing`,
      ];
    } else if (header.size > maxLiteralSize || this.#size + header.size > maxCommandSize) {
      problem = ['imap.literal_too_large', `Literal over ${Math.min(maxLiteralSize, maxCommandSize)} octets`];
    } else if (this.#literals.length >= maxLiterals) {
      problem = ['imap.command_too_large', `More than ${maxLiterals} literals in one command`];
    }
    if (problem !== null) {
      if (!header.nonSync) {
        // Refused before the client sends it: the command is over once the server answers.
        this.#error(problem[0], problem[1], tag, 'TOOBIG');
        this.#resetCommand();
        return;
      }
      if (!Number.isSafeInteger(header.size)) {
        this.#fatal('Literal size out of range', tag);
        return;
      }
      this.#error(problem[0], problem[1], tag, 'TOOBIG');
      this.#startDiscarding(tag);
      this.#afterDiscardedLine(header);
      return;
    }
    if (!header.nonSync) {
      if (tag === null) {
        this.#error('imap.syntax', 'Invalid tag', null);
        this.#resetCommand();
        return;
      }
      this.#pending = header;
      this.#phase = 'await';
      const command = readCommandName(first);
      this.#out.push({ type: 'literal', tag, command, size: header.size, binary: header.binary });
      return;
    }
    this.#startLiteral(header.size);
  }

  /** After a line of a rejected command: follow its non-synchronizing literal, or end it. */
  #afterDiscardedLine(header: LiteralHeader | null): void {
    if (header?.nonSync) {
      if (!Number.isSafeInteger(header.size)) {
        this.#fatal('Literal size out of range', this.#discardTag);
        return;
      }
      this.#literal = null;
      this.#skip = header.size;
      this.#phase = 'literal';
      return;
    }
    // No literal, or a synchronizing one the client will not send after our tagged answer.
    this.#resetCommand();
  }

  #startDiscarding(tag: string | null): void {
    this.#discarding = true;
    this.#discardTag = tag;
    this.#lines = [];
    this.#literals = [];
    this.#size = 0;
  }

  #startLiteral(size: number): void {
    this.#literal = size === 0 ? EMPTY : Buffer.allocUnsafe(size);
    this.#filled = 0;
    this.#size += size;
    this.#phase = 'literal';
  }

  #literalRemaining(): number {
    return this.#literal === null ? this.#skip : this.#literal.length - this.#filled;
  }

  #consumeLiteral(): void {
    const head = this.#queue[this.#head];
    if (head === undefined) return;
    const take = Math.min(head.length - this.#offset, this.#literalRemaining());
    if (this.#literal !== null) {
      head.copy(this.#literal, this.#filled, this.#offset, this.#offset + take);
      this.#filled += take;
    } else {
      this.#skip -= take;
    }
    this.#advance(take);
  }

  #finishLiteral(): void {
    if (this.#literal !== null) this.#literals.push(this.#literal);
    this.#literal = null;
    this.#skip = 0;
    this.#phase = 'line';
  }

  #resetCommand(): void {
    this.#lines = [];
    this.#literals = [];
    this.#size = 0;
    this.#discarding = false;
    this.#discardTag = null;
    this.#pending = null;
  }

  #error(code: string, message: string, tag: string | null, responseCode: string | null = null): void {
    this.#out.push({ type: 'error', error: new ImapProtocolError(code, message, { tag, responseCode }) });
  }

  #fatal(message: string, tag: string | null): void {
    this.#out.push({
      type: 'error',
      error: new ImapProtocolError('imap.unframeable', message, { tag, responseCode: 'TOOBIG', fatal: true }),
    });
    this.#phase = 'closed';
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#offset = 0;
    this.#resetCommand();
    this.#lineLength = 0;
  }
}
