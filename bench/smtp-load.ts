/**
 * The SMTP load generator of the bench scripts: the protocol logic of test/helpers/smtp-client.ts
 * (one transaction per call on a kept-alive connection, no pipelining), plus
 * - a source address per connection: Facteur accepts at most MAX_CONNECTIONS_PER_IP (20) connections
 *   per client address, so 50 concurrent connections come from 127.0.0.2…127.0.0.6 (10 each; Linux
 *   routes all of 127/8 to the loopback interface). The same spread is used against every server.
 * - messages dot-stuffed once up front, so the generator spends its CPU on the wire, not on regexes.
 */
import { connect, type Socket } from 'node:net';

export class LoadClient {
  private buffer = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let i = this.buffer.indexOf('\r\n'); i !== -1; i = this.buffer.indexOf('\r\n')) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
    socket.on('close', () => {
      for (const waiter of this.waiters.splice(0)) waiter('000 connection closed');
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, localAddress = '127.0.0.1'): Promise<LoadClient> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new LoadClient(socket);
    const greeting = await client.reply();
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
    const ehlo = await client.command('EHLO load.example.org');
    if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code} ${ehlo.text}`);
    return client;
  }

  private nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async reply(): Promise<{ code: number; text: string }> {
    const texts: string[] = [];
    for (;;) {
      const line = await this.nextLine();
      texts.push(line.slice(4));
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), text: texts.join('\n') };
    }
  }

  async command(line: string) {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** One transaction; `data` must come from `wireData` (dot-stuffed, ends with CRLF.CRLF). */
  async send(from: string, to: string[], data: Buffer): Promise<{ code: number; text: string }> {
    let r = await this.command(`MAIL FROM:<${from}>`);
    if (r.code !== 250) return r;
    for (const rcpt of to) {
      r = await this.command(`RCPT TO:<${rcpt}>`);
      if (r.code !== 250) return r;
    }
    r = await this.command('DATA');
    if (r.code !== 354) return r;
    this.socket.write(data);
    return this.reply();
  }

  async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }
}

/** A message as sent after DATA: dot-stuffed, CRLF-terminated, with the final `.` line. */
export function wireData(message: Buffer): Buffer {
  const stuffed = message.toString('latin1').replace(/^\./gm, '..');
  return Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** Source address of connection `i`: 10 connections per address from 127.0.0.2 on. */
export function sourceAddress(i: number): string {
  return `127.0.0.${2 + Math.floor(i / 10)}`;
}

export interface LoadResult {
  seconds: number;
  /** Per-transaction latency (MAIL FROM → final reply), ms. */
  latencies: number[];
}

/**
 * Sends `count` messages over `connections` parallel connections, one message per transaction,
 * connections kept open; resolves when the last one is acknowledged. Connection set-up is outside
 * the timed part. Throws on any non-250 reply.
 */
export async function runLoad(options: {
  port: number;
  connections: number;
  count: number;
  message(i: number): { from: string; to: string[]; data: Buffer };
}): Promise<LoadResult> {
  const clients = await Promise.all(
    Array.from({ length: options.connections }, (_, i) => LoadClient.open(options.port, sourceAddress(i))),
  );
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = next++; i < options.count; i = next++) {
        const { from, to, data } = options.message(i);
        const t0 = performance.now();
        const reply = await client.send(from, to, data);
        latencies.push(performance.now() - t0);
        if (reply.code !== 250) throw new Error(`message ${i} refused: ${reply.code} ${reply.text}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.quit()));
  return { seconds, latencies };
}
