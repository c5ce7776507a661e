/**
 * A local SMTP sink (smtp-server on an ephemeral loopback port) that records what it receives and
 * answers RCPT as a test tells it: the remote end of outbound delivery tests.
 */
import { SMTPServer } from 'smtp-server';

export type Reply = { code: number; text: string } | undefined;

export interface Sink {
  port: number;
  connections: number;
  rcpts: string[];
  received: { from: string; to: string[]; data: Buffer; secure: boolean }[];
  close(): Promise<void>;
}

/** `onRcpt` answers each RCPT (undefined = 250); the n-th call of the sink's life is `n` (from 1). */
export async function startSink(
  onRcpt: (address: string, n: number) => Reply = () => undefined,
): Promise<Sink> {
  const sink: Sink = { port: 0, connections: 0, rcpts: [], received: [], close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: ['AUTH'],
    hideENHANCEDSTATUSCODES: true,
    logger: false,
    onConnect(_session, callback) {
      sink.connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      sink.rcpts.push(address.address);
      const reply = onRcpt(address.address, sink.rcpts.length);
      callback(reply ? Object.assign(new Error(reply.text), { responseCode: reply.code }) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        sink.received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as { port: number }).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
