/**
 * A minimal IMAP client over TLS or cleartext for tests that need control python's imaplib does not
 * give: IDLE, pipelining, raw bytes and two sessions watched side by side. It speaks just enough of
 * the protocol to wait for a tagged answer or an untagged line; literals are kept as text.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class ImapTestClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private tagCount = 0;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, options: { tls: boolean }): Promise<ImapTestClient> {
    const socket = options.tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new ImapTestClient(socket);
    await client.waitFor(/^\* OK .*\r\n/m);
    client.take();
    return client;
  }

  /** Sends `TAG command` and returns everything up to and including the tagged answer. */
  async command(text: string, timeoutMs = 10_000): Promise<string> {
    const tag = `T${++this.tagCount}`;
    this.send(`${tag} ${text}\r\n`);
    await this.waitFor(new RegExp(`^${tag} (OK|NO|BAD)[^\r\n]*\r\n`, 'm'), timeoutMs);
    const end = this.buffer.search(new RegExp(`^${tag} `, 'm'));
    const lineEnd = this.buffer.indexOf('\r\n', end) + 2;
    const answer = this.buffer.slice(0, lineEnd);
    this.buffer = this.buffer.slice(lineEnd);
    return answer;
  }

  send(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  /** Waits until what was received (and not taken) matches. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.buffer);
      if (match) return match[0];
      if (this.closed)
        throw new Error(`connection closed while waiting for ${pattern}; got ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Returns and forgets what was received so far. */
  take(): string {
    const taken = this.buffer;
    this.buffer = '';
    return taken;
  }

  close(): void {
    this.socket.destroy();
  }
}
