/**
 * The IMAP listeners: STARTTLS on FACTEUR_IMAP_PORT (1430) and implicit TLS on FACTEUR_IMAPS_PORT
 * (9930), with connection caps per client address and per account.
 *
 * Implementation notes
 * - Caps and the threat each stops: MAX_CONNECTIONS_PER_IP (one host exhausting sockets; high
 *   because a school's whole network may sit behind one NAT address), MAX_CONNECTIONS_PER_ACCOUNT
 *   (a stolen password or a runaway client holding hundreds of sessions; Thunderbird uses up to 5
 *   per account, phones 1–2).
 * - Cleartext authentication, when enabled, is allowed only to loopback clients (a webmail or a
 *   proxy on the same host), never to the network.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ClientThrottle } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import type { Logger } from '../../platform/log/index.js';
import { ImapConnection } from './connection.js';

export const MAX_CONNECTIONS_PER_IP = 500;
export const MAX_CONNECTIONS_PER_ACCOUNT = 50;

export interface ImapServerOptions {
  ctx: CoreContext;
  log: Logger;
  throttle: ClientThrottle;
  tls: { key: string; cert: string };
  /** Let loopback clients authenticate without TLS. */
  cleartextLoopback: boolean;
  /** Largest message APPEND accepts. */
  maxMessageBytes: number;
}

export interface ImapServers {
  starttls: Server;
  implicitTls: Server;
  /** Stops listening and ends every session with BYE. */
  close(): Promise<void>;
}

export function createImapServers(options: ImapServerOptions): ImapServers {
  const log = options.log.child({ proto: 'imap' });
  const byIp = new Map<string, number>();
  const byAccount = new Map<string, number>();
  const accountOf = new Map<ImapConnection, string>();
  const open = new Set<ImapConnection>();

  const accept = (socket: Socket, secure: boolean) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const count = (byIp.get(ip) ?? 0) + 1;
    if (count > MAX_CONNECTIONS_PER_IP) {
      log.warn({ event: 'imap.connection.refused', client: ip }, 'too many connections from this address');
      socket.end('* BYE Too many connections from your address\r\n');
      return;
    }
    byIp.set(ip, count);
    const connection = new ImapConnection(socket, secure, {
      ctx: options.ctx,
      log: options.log,
      throttle: options.throttle,
      tls: options.tls,
      maxMessageBytes: options.maxMessageBytes,
      allowCleartextAuth: options.cleartextLoopback && isLoopback(ip),
      admitAccount(accountId) {
        const used = byAccount.get(accountId) ?? 0;
        if (used >= MAX_CONNECTIONS_PER_ACCOUNT) return false;
        byAccount.set(accountId, used + 1);
        accountOf.set(connection, accountId);
        return true;
      },
      onClose(closed) {
        open.delete(closed);
        decrement(byIp, ip);
        const accountId = accountOf.get(closed);
        if (accountId !== undefined) {
          accountOf.delete(closed);
          decrement(byAccount, accountId);
        }
      },
    });
    open.add(connection);
    connection.start();
  };

  const starttls = createServer((socket) => accept(socket, false));
  const implicitTls = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, (socket) =>
    accept(socket, true),
  );
  return {
    starttls,
    implicitTls,
    async close() {
      const stopped = [starttls, implicitTls].map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const connection of [...open]) connection.shutdown();
      await Promise.all(stopped);
    },
  };
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
