/**
 * SMTP MX: mail from the Internet to local accounts (RFC 5321), on smtp-server.
 *
 * Implementation notes
 * - Never an open relay: without authentication only recipients of our own domains are accepted;
 *   any other domain is refused at RCPT with 554 5.7.1. AUTH is not offered here (submission is).
 * - Refusals happen as early as possible: unknown local user 550 5.1.1 and a full mailbox 452 4.2.2
 *   at RCPT (with the SIZE the client declared, RFC 1870), oversize 552 at DATA.
 * - 250 is sent only after the blob is fsync'd and every recipient's rows are committed
 *   (core/mail/deliver.ts). Any failure before that answers 451 4.3.0 and the sender retries.
 * - Vacation auto-replies (core/outbound/vacation.ts) start once the message is committed and are
 *   not awaited: the sender's 250 never waits for them, and their failure cannot refuse the message.
 * - SPF, DKIM, DMARC and ARC are checked with mailauth; the result is recorded in an
 *   Authentication-Results header; a DMARC failure under p=reject is refused with 550 5.7.1.
 * - Limits, each with the threat it stops: MAX_CONNECTIONS_PER_IP (one host exhausting sockets),
 *   recipients per minute per address (one host flooding mailboxes or harvesting addresses; every
 *   RCPT to one of our domains counts, known user or not; see rate-limiter.ts), MAX_RECIPIENTS (mass
 *   mailing through one transaction), maxMessageBytes (disk and memory).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { authenticate, type DNSResolver } from 'mailauth';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { CoreContext } from '../../core/context.js';
import {
  deliverToAccounts,
  findRecipient,
  type Recipient,
  storeMessageBody,
  wouldExceedQuota,
} from '../../core/mail/index.js';
import { sendVacationReplies } from '../../core/outbound/index.js';
import type { Logger } from '../../platform/log/index.js';
import { findDomainByName } from '../../store/sql/index.js';
import { installEnhancedCodePassthrough, smtpError } from './enhanced-codes.js';
import { createRateLimiter } from './rate-limiter.js';
import { receivedHeader } from './received-header.js';
import {
  createConnectionLimiter,
  createSessionState,
  logConnectionErrors,
  readMessage,
  reply,
} from './session-support.js';

export { MAX_CONNECTIONS_PER_IP } from './session-support.js';

export const MAX_RECIPIENTS = 1000;

export interface MxServerOptions {
  ctx: CoreContext;
  log: Logger;
  hostname: string;
  tls: { key: string; cert: string };
  maxMessageBytes: number;
  resolver: DNSResolver;
  /** Recipients per minute per client address (0: no limit), and the networks exempt from it. */
  rateLimit: { perMinute: number; exempt: readonly string[] };
}

interface Envelope {
  recipients: Map<string, Recipient>;
}

export function createMxServer(options: MxServerOptions): SMTPServer {
  installEnhancedCodePassthrough();
  const { ctx } = options;
  const log = options.log.child({ proto: 'smtp' });
  const limiter = createConnectionLimiter(log);
  const rateLimiter = createRateLimiter(options.rateLimit);
  const envelopes = createSessionState<Envelope>(() => ({ recipients: new Map() }));

  const server: SMTPServer = new SMTPServer({
    name: options.hostname,
    banner: 'Facteur ESMTP',
    key: options.tls.key,
    cert: options.tls.cert,
    size: options.maxMessageBytes,
    disabledCommands: ['AUTH'],
    hideENHANCEDSTATUSCODES: false,
    hideSMTPUTF8: false,
    hide8BITMIME: false,
    hidePIPELINING: false,
    hideDSN: true,
    logger: false,
    socketTimeout: 5 * 60_000,

    onConnect: limiter.onConnect,
    onClose: limiter.onClose,

    onMailFrom(_address, session, callback) {
      // A new transaction (RSET, or the next message on the connection) starts empty.
      envelopes.reset(session);
      callback();
    },

    onRcptTo(address, session, callback) {
      reply(
        log,
        'RCPT',
        checkRecipient(address.address, session).then((recipient) => {
          envelopes.get(session).recipients.set(recipient.account.id, recipient);
        }),
        callback,
      );
    },

    onData(stream, session, callback) {
      reply(log, 'DATA', receive(stream, session), callback);
    },
  });

  async function checkRecipient(address: string, session: SMTPServerSession): Promise<Recipient> {
    const at = address.lastIndexOf('@');
    const domain = at > 0 ? address.slice(at + 1).toLowerCase() : '';
    if (!domain || !(await findDomainByName(ctx.db, domain))) {
      log.info({ event: 'smtp.relay.refused', client: session.remoteAddress }, 'relay attempt refused');
      throw smtpError(554, '5.7.1', `Relay access denied for <${address}>`);
    }
    if (!rateLimiter.take(session.remoteAddress, ctx.clock.now())) {
      log.info({ event: 'smtp.rate_limited', client: session.remoteAddress }, 'recipient rate limit reached');
      throw smtpError(451, '4.7.1', 'Too many recipients from your address, try again later');
    }
    if (envelopes.get(session).recipients.size >= MAX_RECIPIENTS) {
      throw smtpError(452, '4.5.3', 'Too many recipients');
    }
    const recipient = await findRecipient(ctx, address);
    if (recipient?.account.status !== 'active') {
      throw smtpError(550, '5.1.1', `Mailbox <${address}> does not exist`);
    }
    const mailArgs = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
    const declared = Number(mailArgs ? ((mailArgs as Record<string, string>).SIZE ?? 0) : 0);
    if (
      wouldExceedQuota(recipient, Number.isFinite(declared) ? declared : 0) ||
      recipient.usedBytes >= recipient.quotaBytes
    ) {
      throw smtpError(452, '4.2.2', `Mailbox <${address}> is full`);
    }
    return recipient;
  }

  async function receive(
    stream: Readable & { sizeExceeded?: boolean },
    session: SMTPServerSession,
  ): Promise<string> {
    const original = await readMessage(stream, options.maxMessageBytes);
    const envelope = envelopes.get(session);
    const recipients = [...envelope.recipients.values()];
    if (recipients.length === 0) throw smtpError(503, '5.5.1', 'No valid recipients');

    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const auth = await authenticate(original, {
      ip: session.remoteAddress,
      helo: session.hostNameAppearsAs,
      sender: mailFrom,
      mta: options.hostname,
      resolver: options.resolver,
    });
    if (auth.dmarc && auth.dmarc.status.result === 'fail' && auth.dmarc.policy === 'reject') {
      log.info({ event: 'smtp.dmarc.rejected', client: session.remoteAddress }, 'DMARC policy reject');
      throw smtpError(550, '5.7.1', 'Message rejected by the sender domain DMARC policy');
    }

    const id = randomUUID();
    const now = ctx.clock.now();
    const trace = receivedHeader({
      helo: session.hostNameAppearsAs,
      clientHostname: session.clientHostname,
      clientIp: session.remoteAddress,
      byHostname: options.hostname,
      protocol: session.secure ? 'ESMTPS' : 'ESMTP',
      id,
      recipient: recipients.length === 1 ? (recipients[0]?.account.address ?? null) : null,
      date: new Date(now),
    });
    // mailauth folds its headers with bare LF; the message travels with CRLF, so its headers do too.
    const authHeaders = auth.headers.replace(/\r?\n/g, '\r\n');
    const raw = Buffer.concat([Buffer.from(authHeaders + trace, 'utf8'), original]);
    for (const recipient of recipients) {
      if (wouldExceedQuota(recipient, raw.length))
        throw smtpError(452, '4.2.2', `Mailbox <${recipient.account.address}> is full`);
    }

    const body = await storeMessageBody(ctx, raw);
    const targets = recipients.map((recipient) => ({ recipient, options: { receivedAt: now } }));
    const results = await deliverToAccounts(ctx, body, targets);
    results.forEach((result, index) => {
      if (result.ok) return;
      // Another delivery filled the mailbox between the check above and the commit. The others
      // have the message, so the transaction cannot be refused any more.
      // TODO(dsn): bounce to the sender through the outbound queue.
      log.error(
        { event: 'smtp.delivery.failed', account: recipients[index]?.account.identifier, id },
        'mailbox filled during delivery',
      );
    });
    // Auto-replies of recipients on vacation: after the commit, not awaited, never failing the 250.
    void sendVacationReplies(ctx, {
      raw,
      parsed: body.parsed,
      mailFrom,
      accounts: recipients.filter((_, index) => results[index]?.ok).map((recipient) => recipient.account),
    });
    log.info(
      {
        event: 'smtp.delivery.accepted',
        id,
        size: raw.length,
        recipients: recipients.length,
        client: session.remoteAddress,
      },
      'accepted',
    );
    return `Message accepted as ${id}`;
  }

  logConnectionErrors(server, log);
  return server;
}
