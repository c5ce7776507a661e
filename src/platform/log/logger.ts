/**
 * The one logger factory.
 *
 * Implementation notes
 * - Redaction is on in every environment: credentials, cookies, tokens, NUMEN and birth dates are
 *   replaced by `[redacted]` wherever they appear in the paths below, so a careless `log.info({ body })`
 *   cannot leak them.
 * - Every log line about something that happened carries `event`, a name from LOG_EVENTS.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'adminPassword',
  'secretKey',
  'token',
  'numen',
  'birthDate',
  'cookie',
  'authorization',
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** The closed catalogue of event names; a new event is added here first. */
export const LOG_EVENTS = [
  'server.started',
  'server.stopping',
  'server.listening',
  'setup.first_start',
  'setup.certificate_created',
  'auth.signin.succeeded',
  'auth.signin.failed',
  'auth.lockout',
  'auth.throttled',
  'auth.signout',
  'auth.password_changed',
  'http.error',
  'smtp.connection.refused',
  'smtp.relay.refused',
  'smtp.rate_limited',
  'smtp.dmarc.rejected',
  'smtp.delivery.accepted',
  'smtp.delivery.failed',
  'smtp.error',
  'smtp.connection.error',
  'imap.error',
  'imap.login',
  'imap.connection.refused',
  'smtp.submission.accepted',
  'search.reindexed',
  'outbound.queued',
  'outbound.delivered',
  'outbound.deferred',
  'outbound.failed',
  'outbound.bounced',
  'outbound.bounce.suppressed',
  'outbound.bounce.failed',
  'outbound.lease.lost',
  'outbound.connection.failed',
  'outbound.runner.error',
  'outbound.purged',
  'outbound.deleted',
  'vacation.reply_sent',
  'vacation.reply_skipped',
  'vacation.reply_failed',
  'recovery.throttled',
  'recovery.slow_answer',
  'recovery.identifier_shown',
  'recovery.reset_requested',
  'recovery.reset_mail_failed',
  'recovery.password_reset',
] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'facteur' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
