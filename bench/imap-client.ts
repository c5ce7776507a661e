/**
 * A raw IMAP client for the IMAP benchmarks (imap-vs-dovecot.ts, imap-idle-memory.ts): cleartext
 * over node:net (or implicit TLS, certificate not checked: the servers are local and self-signed),
 * one tagged command at a time (no pipelining), synchronizing literals for APPEND
 * (wait for the `+`), literals in responses read by their byte count so a BODY[] answer is
 * binary-safe.
 *
 * Why not imapflow or test/helpers/imap-client.ts: the same client must drive Facteur and Dovecot
 * with exactly the same bytes, and cost little per command, so that the ratio measures the servers.
 * imapflow pipelines, caches and parses every response into objects; the test helper keeps all
 * input as one string and searches it with regular expressions, quadratic on a FETCH of 1 000
 * envelopes or a SEARCH answering 100 000 UIDs. This one parses incrementally and keeps only what
 * the caller asked for.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface ImapResponse {
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged completion line, without CRLF. */
  tagged: string;
  /** Untagged responses (literals inlined, latin1), unless the command was sent with keep: false. */
  untagged: string[];
  /** How many untagged responses arrived. */
  untaggedCount: number;
  /** Bytes received for this command, completion included. */
  bytes: number;
}

interface Pending {
  tag: string;
  keep: boolean;
  untagged: string[];
  untaggedCount: number;
  bytes: number;
  resolve(response: ImapResponse): void;
  reject(error: Error): void;
}

const CRLF = Buffer.from('\r\n');

export class ImapClient {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of a literal still to come, and the parts of the response being assembled. */
  private literalLeft = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private pending: Pending | null = null;
  private continuation: { resolve(): void; reject(error: Error): void } | null = null;
  private greeting: { resolve(line: string): void; reject(error: Error): void } | null = null;
  private tagCount = 0;
  private error: Error | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects and waits for the greeting. `localAddress` picks the source address (e.g. 127.1.0.7). */
  static open(
    port: number,
    options: { host?: string; localAddress?: string; tls?: boolean } = {},
  ): Promise<ImapClient> {
    return new Promise((resolve, reject) => {
      const where = {
        host: options.host ?? '127.0.0.1',
        port,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      };
      const socket = options.tls ? tlsConnect({ ...where, rejectUnauthorized: false }) : connect(where);
      socket.setNoDelay(true);
      const client = new ImapClient(socket);
      client.greeting = {
        resolve: (line) => {
          if (/^\* (OK|PREAUTH)/i.test(line)) resolve(client);
          else {
            socket.destroy();
            reject(new Error(`refused: ${line.trim()}`));
          }
        },
        reject,
      };
    });
  }

  /**
   * Sends `TAG text` and resolves with the tagged answer (NO and BAD resolve too: see ok()).
   * keep: false counts the untagged responses without keeping them (a 100-body FETCH, a SEARCH).
   */
  command(text: string, options: { keep?: boolean } = {}): Promise<ImapResponse> {
    const tag = this.nextTag();
    const done = this.expect(tag, options.keep ?? true);
    this.socket.write(`${tag} ${text}\r\n`);
    return done;
  }

  /** APPEND with a synchronizing literal: the message is sent once the server says `+`. */
  async append(mailbox: string, message: Buffer, flags = ''): Promise<ImapResponse> {
    const tag = this.nextTag();
    const done = this.expect(tag, false);
    const ready = this.expectContinuation();
    this.socket.write(`${tag} APPEND ${quote(mailbox)} ${flags ? `(${flags}) ` : ''}{${message.length}}\r\n`);
    // A refusal (NO [TOOBIG], BAD) comes as the tagged answer instead of the `+`.
    const first = await Promise.race([ready.then(() => 'continue' as const), done]);
    if (first !== 'continue') {
      this.continuation = null;
      return first;
    }
    this.socket.write(Buffer.concat([message, CRLF]));
    return done;
  }

  async login(user: string, password: string): Promise<ImapResponse> {
    return ok(await this.command(`LOGIN ${quote(user)} ${quote(password)}`), 'LOGIN');
  }

  /** Starts IDLE and resolves once the server answered `+`; later untagged updates are dropped. */
  async idle(): Promise<void> {
    const tag = this.nextTag();
    const ready = this.expectContinuation();
    const done = this.expect(tag, false);
    done.catch(() => {}); // ends only with DONE or the connection
    this.socket.write(`${tag} IDLE\r\n`);
    await ready;
  }

  async logout(): Promise<void> {
    try {
      await this.command('LOGOUT');
    } finally {
      this.socket.destroy();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private nextTag(): string {
    if (this.error) throw this.error;
    if (this.pending) throw new Error(`command ${this.pending.tag} still running: no pipelining`);
    return `a${++this.tagCount}`;
  }

  private expect(tag: string, keep: boolean): Promise<ImapResponse> {
    return new Promise((resolve, reject) => {
      this.pending = { tag, keep, untagged: [], untaggedCount: 0, bytes: 0, resolve, reject };
    });
  }

  private expectContinuation(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.continuation = { resolve, reject };
    });
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.greeting?.reject(error);
    this.continuation?.reject(error);
    this.pending?.reject(error);
    this.greeting = null;
    this.continuation = null;
    this.pending = null;
  }

  private receive(chunk: Buffer): void {
    // What is left over between chunks is a partial line only (literals are taken as they come).
    let buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.pending) this.pending.bytes += chunk.length;
    for (;;) {
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, buffer.length);
        this.take(buffer.subarray(0, n));
        buffer = buffer.subarray(n);
        this.literalLeft -= n;
        if (this.literalLeft > 0) break;
        continue;
      }
      const end = buffer.indexOf(CRLF);
      if (end < 0) break;
      const line = buffer.subarray(0, end + 2);
      buffer = buffer.subarray(end + 2);
      this.take(line);
      // A line ending in {n} or {n+} announces n bytes of literal, then the response goes on.
      if (end > 2 && line[end - 1] === 0x7d) {
        const open = line.lastIndexOf(0x7b, end - 1);
        const size = /^\{(\d+)\+?\}$/.exec(line.subarray(open, end).toString('latin1'));
        if (open >= 0 && size) {
          this.literalLeft = Number(size[1]);
          continue;
        }
      }
      this.complete();
    }
    this.buffer = buffer.length > 0 ? Buffer.from(buffer) : Buffer.alloc(0);
  }

  /** Keeps a response part only if someone may read it. */
  private take(part: Buffer): void {
    const wanted = this.greeting !== null || this.pending?.keep === true || this.parts.length === 0;
    if (wanted) {
      this.parts.push(part);
      this.partsBytes += part.length;
    }
  }

  private complete(): void {
    const parts = this.parts;
    this.parts = [];
    this.partsBytes = 0;
    const first = parts[0];
    if (!first) return;
    const kind = first[0];
    if (kind === 0x2a /* * */) {
      if (this.greeting) {
        const greeting = this.greeting;
        this.greeting = null;
        greeting.resolve(first.toString('latin1'));
        return;
      }
      const p = this.pending;
      if (!p) return; // unsolicited (IDLE updates, BYE after LOGOUT)
      p.untaggedCount++;
      if (p.keep) p.untagged.push(Buffer.concat(parts).toString('latin1'));
      return;
    }
    if (kind === 0x2b /* + */) {
      const c = this.continuation;
      this.continuation = null;
      c?.resolve();
      return;
    }
    const line = first.toString('latin1').replace(/\r\n$/, '');
    const p = this.pending;
    const space = line.indexOf(' ');
    if (!p || line.slice(0, space) !== p.tag) return;
    this.pending = null;
    const status = line
      .slice(space + 1, space + 4)
      .replace(/ $/, '')
      .toUpperCase();
    p.resolve({
      status: status === 'OK' || status === 'NO' ? status : 'BAD',
      tagged: line,
      untagged: p.untagged,
      untaggedCount: p.untaggedCount,
      bytes: p.bytes,
    });
  }
}

/** Throws unless the command answered OK. */
export function ok(response: ImapResponse, what: string): ImapResponse {
  if (response.status !== 'OK') throw new Error(`${what}: ${response.tagged}`);
  return response;
}

/** An IMAP quoted string (our logins, passwords and mailbox names need no literal). */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
