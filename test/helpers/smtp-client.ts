/**
 * A minimal SMTP client for load and crash tests and the bench scripts: one transaction per call on
 * a kept-alive connection, replies parsed per RFC 5321 §4.2 (multi-line with `-`), optional source
 * address (Facteur accepts at most 20 connections per client address). Protocol behaviour itself is
 * tested with real clients (swaks, smtplib); this one only drives traffic.
 */
import { connect, type Socket } from 'node:net';

export class SmtpClient {
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

  static async open(port: number, localAddress = '127.0.0.1'): Promise<SmtpClient> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new SmtpClient(socket);
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

  /** One transaction with a message not yet dot-stuffed. */
  sendMessage(from: string, to: string[], message: Buffer): Promise<{ code: number; text: string }> {
    return this.send(from, to, wireData(message));
  }

  close(): void {
    this.socket.destroy();
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
