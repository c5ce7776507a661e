/**
 * What the MX and submission servers share: per-address connection limits, per-session state kept
 * beside smtp-server's session objects, and reading DATA with its size check.
 */
import type { Readable } from 'node:stream';
import type { SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../platform/log/index.js';
import { smtpError } from './enhanced-codes.js';

/** One host exhausting our sockets is refused before it can starve others. */
export const MAX_CONNECTIONS_PER_IP = 20;

export function createConnectionLimiter(log: Logger) {
  const connectionsByIp = new Map<string, number>();
  return {
    onConnect(session: SMTPServerSession, callback: (error?: Error) => void) {
      const ip = session.remoteAddress;
      const count = (connectionsByIp.get(ip) ?? 0) + 1;
      if (count > MAX_CONNECTIONS_PER_IP) {
        log.warn({ event: 'smtp.connection.refused', client: ip }, 'too many connections from this address');
        return callback(smtpError(421, '4.7.0', 'Too many connections from your address, try again later'));
      }
      connectionsByIp.set(ip, count);
      callback();
    },
    onClose(session: SMTPServerSession) {
      const ip = session.remoteAddress;
      const count = (connectionsByIp.get(ip) ?? 1) - 1;
      if (count <= 0) connectionsByIp.delete(ip);
      else connectionsByIp.set(ip, count);
    },
  };
}

/** Per-transaction state, reset at each MAIL FROM. */
export function createSessionState<T>(initial: () => T) {
  const states = new WeakMap<SMTPServerSession, T>();
  return {
    reset(session: SMTPServerSession): T {
      const state = initial();
      states.set(session, state);
      return state;
    },
    get(session: SMTPServerSession): T {
      return states.get(session) ?? this.reset(session);
    },
  };
}

/** Reads the DATA stream; refuses with 552 5.3.4 what went over `maxBytes` (smtp-server counts). */
export async function readMessage(
  stream: Readable & { sizeExceeded?: boolean },
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded)
    throw smtpError(552, '5.3.4', `Message exceeds the maximum size of ${maxBytes} bytes`);
  return Buffer.concat(chunks);
}

/** Turns a handler's promise into smtp-server's callback: protocol errors as they are, others as 451. */
export function reply<T>(
  log: Logger,
  what: string,
  promise: Promise<T>,
  callback: (error?: Error | null, value?: T) => void,
): void {
  promise.then(
    (value) => callback(null, value),
    (error: Error & { responseCode?: number }) => {
      if (error.responseCode === undefined) log.error({ event: 'smtp.error', err: error }, `${what} failed`);
      callback(
        error.responseCode ? error : smtpError(451, '4.3.0', 'Temporary local error, try again later'),
      );
    },
  );
}

/**
 * smtp-server reports a client's broken connection (reset, bad TLS handshake) as an `error` event on
 * the server; without a listener Node turns it into an uncaught exception that stops the process.
 * One client hanging up rudely must never take the service down: log and carry on.
 */
export function logConnectionErrors(
  server: { on(event: 'error', listener: (error: Error) => void): unknown },
  log: Logger,
): void {
  server.on('error', (error: Error & { code?: string; remoteAddress?: string }) => {
    log.info(
      { event: 'smtp.connection.error', code: error.code, client: error.remoteAddress },
      `client connection failed: ${error.message}`,
    );
  });
}
