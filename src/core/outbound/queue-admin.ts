/**
 * Looking at and acting on the outbound queue (`facteur queue list|retry|delete`, later the admin UI).
 *
 * Implementation notes
 * - Deleting is silent, like Postfix's `postsuper -d`: no DSN is sent, the operator decided. An
 *   attempt already in flight may still deliver; its outcome then finds no row to update.
 * - Retrying makes the queued recipients due now; it does not reset their attempt count, so the
 *   backoff continues where it was if the destination is still failing.
 */
import { UserError } from '../../lib/errors/index.js';
import {
  deleteOutboundMessage,
  findOutboundMessage,
  listOutboundMessages,
  listOutboundRecipients,
  type OutboundRecipientStatus,
  rescheduleOutboundMessage,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

/** Most messages one `listQueue` call returns (a queue of 100 000 must not be loaded at once). */
export const MAX_QUEUE_PAGE = 1000;

export interface QueueEntry {
  id: string;
  /** `''` is the null sender. */
  mailFrom: string;
  accountId: string | null;
  size: number;
  createdAt: number;
  expiresAt: number;
  recipients: {
    recipient: string;
    status: OutboundRecipientStatus;
    attempts: number;
    nextAttemptAt: number;
    lastAttemptAt: number | null;
    lastResponse: string | null;
  }[];
}

export interface ListQueueOptions {
  /** Also messages whose recipients are all finished (delivered, bounced, failed). */
  all?: boolean;
  accountId?: string;
  limit?: number;
  offset?: number;
}

/** Queued messages, oldest first, with their recipients. */
export async function listQueue(ctx: CoreContext, options: ListQueueOptions = {}): Promise<QueueEntry[]> {
  const messages = await listOutboundMessages(ctx.db, {
    pendingOnly: options.all !== true,
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
    limit: Math.min(options.limit ?? MAX_QUEUE_PAGE, MAX_QUEUE_PAGE),
    offset: options.offset ?? 0,
  });
  const recipients = await listOutboundRecipients(
    ctx.db,
    messages.map((m) => m.id),
  );
  return messages.map((m) => ({
    id: m.id,
    mailFrom: m.mail_from,
    accountId: m.account_id,
    size: m.size,
    createdAt: m.created_at,
    expiresAt: m.expires_at,
    recipients: recipients
      .filter((r) => r.message_id === m.id)
      .map((r) => ({
        recipient: r.recipient,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastAttemptAt: r.last_attempt_at,
        lastResponse: r.last_response,
      })),
  }));
}

/**
 * Makes every queued recipient of the message due now.
 * @returns how many recipients will be retried (0 when all are finished).
 * @throws UserError `queue.not_found`.
 */
export async function retryNow(ctx: CoreContext, id: string): Promise<number> {
  if (!(await findOutboundMessage(ctx.db, id))) throw notFound(id);
  return rescheduleOutboundMessage(ctx.db, id, ctx.clock.now());
}

/**
 * Removes the message and all its recipients from the queue, without a DSN.
 * @throws UserError `queue.not_found`.
 */
export async function deleteQueued(ctx: CoreContext, id: string): Promise<void> {
  if (!(await deleteOutboundMessage(ctx.db, id))) throw notFound(id);
  ctx.log.info({ event: 'outbound.deleted', queueId: id }, 'queued message deleted');
}

function notFound(id: string): UserError {
  return new UserError('queue.not_found', `no queued message ${id.slice(0, 80)}`);
}
