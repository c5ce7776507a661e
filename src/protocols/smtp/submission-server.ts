/**
 * SMTP submission (RFC 6409) for mail clients: STARTTLS on one port, implicit TLS (RFC 8314) on the
 * other, AUTH PLAIN and LOGIN (RFC 4954) only over TLS.
 *
 * Implementation notes
 * - Authentication goes through the same sign-in as the web portal (core/auth): lockout after
 *   repeated failures and the per-client throttle apply here too, so SMTP AUTH is no side door for
 *   guessing passwords. An account that must still change its provisional password cannot send.
 * - Policy lives in core/outbound/submit.ts (sender ownership, external sending by profile); this
 *   adapter maps its errors to replies: 553 5.7.1 for an envelope sender not owned, 550 5.7.1 for a From header not owned, 550 5.1.1 for an unknown
 *   local recipient, 550 5.7.1 for external sending refused, 452 4.2.2 for a full local mailbox.
 * - The reply to DATA is sent after local recipients have the message and remote ones are queued.
 */
import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { ClientThrottle } from '../../core/auth/index.js';
import { verifySignIn } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import { wouldExceedQuota } from '../../core/mail/index.js';
import {
  assertSenderAllowed,
  type RecipientRoute,
  routeRecipient,
  submitMessage,
} from '../../core/outbound/submit.js';
import { InputError, UserError } from '../../lib/errors/index.js';
import type { Logger } from '../../platform/log/index.js';
import type { Account } from '../../store/sql/index.js';
import { installEnhancedCodePassthrough, smtpError } from './enhanced-codes.js';
import { receivedHeader } from './received-header.js';
import {
  createConnectionLimiter,
  createSessionState,
  logConnectionErrors,
  readMessage,
  reply,
} from './session-support.js';

/** A compromised account should not reach thousands with one message; lists are for that. */
export const MAX_SUBMISSION_RECIPIENTS = 500;

export interface SubmissionServerOptions {
  ctx: CoreContext;
  log: Logger;
  hostname: string;
  tls: { key: string; cert: string };
  maxMessageBytes: number;
  throttle: ClientThrottle;
}

interface Transaction {
  routes: RecipientRoute[];
}

export function createSubmissionServers(options: SubmissionServerOptions): {
  starttls: SMTPServer;
  implicitTls: SMTPServer;
} {
  installEnhancedCodePassthrough();
  const log = options.log.child({ proto: 'submission' });
  const limiter = createConnectionLimiter(log);
  const transactions = createSessionState<Transaction>(() => ({ routes: [] }));
  const accountOf = (session: SMTPServerSession) => session.user as unknown as Account;

  const make = (secure: boolean) =>
    new SMTPServer({
      name: options.hostname,
      banner: 'Facteur ESMTP submission',
      secure,
      key: options.tls.key,
      cert: options.tls.cert,
      size: options.maxMessageBytes,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      authOptional: false,
      hideENHANCEDSTATUSCODES: false,
      hideSMTPUTF8: false,
      hideDSN: true,
      logger: false,
      socketTimeout: 5 * 60_000,
      onConnect: limiter.onConnect,
      onClose: limiter.onClose,

      onAuth(auth, session, callback) {
        reply(
          log,
          'AUTH',
          authenticate(auth.username ?? '', auth.password ?? '', session.remoteAddress),
          (error, account) =>
            error ? callback(error) : callback(null, { user: account as unknown as string }),
        );
      },

      onMailFrom(address, session, callback) {
        transactions.reset(session);
        reply(
          log,
          'MAIL',
          assertSenderAllowed(options.ctx, accountOf(session), address.address).catch((error) => {
            throw mapError(error);
          }),
          callback,
        );
      },

      onRcptTo(address, session, callback) {
        reply(log, 'RCPT', addRecipient(session, address.address), callback);
      },

      onData(stream, session, callback) {
        reply(log, 'DATA', receive(stream, session, secure), callback);
      },
    });

  async function authenticate(login: string, password: string, client: string): Promise<Account> {
    try {
      const account = await verifySignIn(
        options.ctx,
        options.throttle,
        { login, password, client },
        { appPasswords: 'smtp' },
      );
      if (account.must_change_password) {
        throw smtpError(535, '5.7.8', 'Change your provisional password in the web portal first');
      }
      return account;
    } catch (error) {
      if (error instanceof UserError) {
        if (error.code === 'auth.locked' || error.code === 'auth.throttled') {
          throw smtpError(454, '4.7.0', 'Too many failed attempts, try again later');
        }
        throw smtpError(535, '5.7.8', 'Authentication credentials invalid');
      }
      throw error;
    }
  }

  async function addRecipient(session: SMTPServerSession, address: string): Promise<void> {
    const transaction = transactions.get(session);
    if (transaction.routes.length >= MAX_SUBMISSION_RECIPIENTS)
      throw smtpError(452, '4.5.3', 'Too many recipients');
    let route: RecipientRoute;
    try {
      route = await routeRecipient(options.ctx, accountOf(session), address);
    } catch (error) {
      throw mapError(error);
    }
    const mailArgs = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
    const declared = Number(mailArgs ? ((mailArgs as Record<string, string>).SIZE ?? 0) : 0) || 0;
    if (
      route.kind === 'local' &&
      (wouldExceedQuota(route.recipient, declared) || route.recipient.usedBytes >= route.recipient.quotaBytes)
    ) {
      throw smtpError(452, '4.2.2', `Mailbox <${address}> is full`);
    }
    transaction.routes.push(route);
  }

  async function receive(
    stream: Readable & { sizeExceeded?: boolean },
    session: SMTPServerSession,
    secure: boolean,
  ): Promise<string> {
    const original = await readMessage(stream, options.maxMessageBytes);
    const account = accountOf(session);
    const { routes } = transactions.get(session);
    if (routes.length === 0) throw smtpError(503, '5.5.1', 'No valid recipients');
    const trace = receivedHeader({
      helo: session.hostNameAppearsAs,
      clientHostname: session.clientHostname,
      clientIp: session.remoteAddress,
      byHostname: options.hostname,
      protocol: secure || session.secure ? 'ESMTPSA' : 'ESMTPA',
      id: session.id,
      recipient: null,
      date: new Date(options.ctx.clock.now()),
    });
    try {
      const result = await submitMessage(options.ctx, {
        account,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        routes,
        raw: Buffer.concat([Buffer.from(trace, 'utf8'), original]),
      });
      log.info(
        {
          event: 'smtp.submission.accepted',
          account: account.identifier,
          delivered: result.delivered,
          queued: result.queued,
        },
        'submitted',
      );
      return `Message accepted as <${result.messageId}>`;
    } catch (error) {
      throw mapError(error);
    }
  }

  const starttls = make(false);
  const implicitTls = make(true);
  logConnectionErrors(starttls, log);
  logConnectionErrors(implicitTls, log);
  return { starttls, implicitTls };
}

function mapError(error: unknown): unknown {
  if (error instanceof UserError || error instanceof InputError) {
    switch (error.code) {
      case 'mail.sender_not_owned':
        return smtpError(553, '5.7.1', `Sender address rejected: ${error.message}`);
      case 'mail.from_not_owned':
        return smtpError(550, '5.7.1', `Sender address rejected: ${error.message}`);
      case 'mail.unknown_recipient':
        return smtpError(550, '5.1.1', error.message);
      case 'mail.external_forbidden':
        return smtpError(550, '5.7.1', error.message);
      case 'mail.over_quota':
        return smtpError(452, '4.2.2', error.message);
      case 'mail.no_from':
        return smtpError(550, '5.6.0', error.message);
    }
  }
  return error;
}
