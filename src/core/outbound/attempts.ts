/**
 * What the queue does with the outcome of one delivery attempt (one message, one domain).
 *
 * Implementation notes
 * - 2xx → `delivered`. 4xx, connection and DNS failures → stay `queued`, next attempt per
 *   RETRY_DELAYS_MS. 5xx, null MX, unknown domain → permanent. A deferral at or after the message's
 *   `expires_at` is permanent too, with status 4.4.7 (RFC 3463 "delivery time expired").
 * - Permanent failures produce one DSN per message and domain attempt, before their rows are
 *   updated: a crash in between sends the DSN twice rather than never (at least once). They become
 *   `bounced` (DSN sent) or, for a null sender, `failed` (no DSN, RFC 5321 §4.5.5). If the DSN
 *   cannot be produced, those recipients stay queued for the next attempt, so the notice is retried.
 * - All rows of the attempt are written in one transaction, each fenced by the runner's lease.
 * - The stored reply is cut to MAX_RESPONSE_CHARS: it comes from a remote server and ends up in our
 *   database, in `queue list` and in DSNs.
 */
import type { OutboundMessage, OutboundRecipient, RecipientOutcome } from '../../store/sql/index.js';
import { recordRecipientAttempt } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { sendBounce } from './bounce.js';
import type { DsnRecipient } from './dsn.js';
import { nextAttemptAt } from './retry-schedule.js';
import type { RecipientResult } from './types.js';

/** Longest remote reply kept (a multi-line 5xx can be kilobytes; the first 512 characters explain it). */
export const MAX_RESPONSE_CHARS = 512;
/**
 * Delay before trying again recipients whose DSN could not be produced (a database or blob store
 * outage): not the retry schedule, which may already be past the expiry, and not at once, which would
 * spin on a persistent fault.
 */
export const BOUNCE_RETRY_DELAY_MS = 5 * 60_000;
/** RFC 3463: delivery time expired. */
export const EXPIRED_STATUS = '4.4.7';

const SMTP_REPLY = /^[245]\d\d[ -]/;

export interface AttemptReport {
  delivered: number;
  deferred: number;
  bounced: number;
  failed: number;
  /** Rows this runner no longer held when it wrote them (another node took over, or deleted). */
  lost: number;
}

export interface ApplyResultsRequest {
  hostname: string;
  /** The runner's lease owner id. */
  owner: string;
  message: OutboundMessage;
  /** The recipients of this attempt, as claimed. */
  claimed: OutboundRecipient[];
  results: RecipientResult[];
}

/** Records the outcome of an attempt and sends the DSN its permanent failures call for. */
export async function applyDeliveryResults(
  ctx: CoreContext,
  request: ApplyResultsRequest,
): Promise<AttemptReport> {
  const { message, owner } = request;
  const now = ctx.clock.now();
  const report: AttemptReport = { delivered: 0, deferred: 0, bounced: 0, failed: 0, lost: 0 };
  const byRecipient = new Map(request.results.map((r) => [r.recipient.toLowerCase(), r]));
  const isExpired = now >= message.expires_at;

  const outcomes = new Map<string, RecipientOutcome>();
  const permanent: { row: OutboundRecipient; dsn: DsnRecipient; response: string }[] = [];
  for (const row of request.claimed) {
    const result: RecipientResult = byRecipient.get(row.recipient.toLowerCase()) ?? {
      recipient: row.recipient,
      outcome: 'deferred',
      status: '4.3.0',
      response: 'no result from the delivery attempt',
    };
    const response = result.response.slice(0, MAX_RESPONSE_CHARS);
    if (result.outcome === 'delivered') {
      outcomes.set(row.id, { status: 'delivered', attemptedAt: now, response });
    } else if (result.outcome === 'deferred' && !isExpired) {
      const nextAttempt = nextAttemptAt(row.attempts + 1, now, message.expires_at);
      outcomes.set(row.id, { status: 'queued', attemptedAt: now, nextAttemptAt: nextAttempt, response });
    } else {
      const status = result.outcome === 'deferred' ? EXPIRED_STATUS : result.status;
      const isReply = SMTP_REPLY.test(response);
      permanent.push({
        row,
        response,
        dsn: {
          recipient: row.recipient,
          status,
          ...(isReply ? { smtpReply: response } : { reason: response }),
          ...(result.remoteMta ? { remoteMta: result.remoteMta } : {}),
          lastAttemptAt: now,
        },
      });
    }
  }

  if (permanent.length > 0) {
    let finalStatus: 'bounced' | 'failed' = 'failed';
    try {
      const sent = await sendBounce(ctx, {
        hostname: request.hostname,
        message,
        failures: permanent.map((p) => p.dsn),
      });
      finalStatus = sent === 'suppressed' ? 'failed' : 'bounced';
      ctx.log.info(
        {
          event: sent === 'suppressed' ? 'outbound.bounce.suppressed' : 'outbound.bounced',
          queueId: message.id,
          recipients: permanent.length,
          dsn: sent,
        },
        sent === 'suppressed' ? 'permanent failure of a null-sender message, no DSN' : 'DSN sent',
      );
      for (const p of permanent) {
        outcomes.set(p.row.id, { status: finalStatus, attemptedAt: now, response: p.response });
      }
    } catch (error) {
      ctx.log.error(
        { event: 'outbound.bounce.failed', err: error, queueId: message.id },
        'DSN could not be sent; the recipients stay queued',
      );
      for (const p of permanent) {
        const nextAttempt = now + BOUNCE_RETRY_DELAY_MS;
        outcomes.set(p.row.id, {
          status: 'queued',
          attemptedAt: now,
          nextAttemptAt: nextAttempt,
          response: p.response,
        });
      }
    }
  }

  await ctx.db.transaction().execute(async (trx) => {
    for (const row of request.claimed) {
      const outcome = outcomes.get(row.id);
      if (!outcome) continue;
      if (!(await recordRecipientAttempt(trx, row.id, owner, outcome))) {
        report.lost += 1;
        continue;
      }
      if (outcome.status === 'queued') report.deferred += 1;
      else report[outcome.status] += 1;
    }
  });
  if (report.lost > 0) {
    ctx.log.warn(
      { event: 'outbound.lease.lost', queueId: message.id, recipients: report.lost },
      'attempt outcome not recorded: the lease was lost or the message deleted',
    );
  }
  return report;
}
