/**
 * The SMTP load generator of the bench scripts, on test/helpers/smtp-client.ts
 * (one transaction per call on a kept-alive connection, no pipelining), plus
 * - a source address per connection: Facteur accepts at most MAX_CONNECTIONS_PER_IP (20) connections
 *   per client address, so 50 concurrent connections come from 127.0.0.2…127.0.0.6 (10 each; Linux
 *   routes all of 127/8 to the loopback interface). The same spread is used against every server.
 * - messages dot-stuffed once up front, so the generator spends its CPU on the wire, not on regexes.
 */
import { SmtpClient, wireData } from '../test/helpers/smtp-client.js';

export { SmtpClient as LoadClient, wireData };

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
    Array.from({ length: options.connections }, (_, i) => SmtpClient.open(options.port, sourceAddress(i))),
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
