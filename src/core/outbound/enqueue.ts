/**
 * Putting a message in the outbound queue.
 *
 * Implementation notes
 * - Durability order (PRODUCT.md "Nothing acknowledged is lost"): the raw message is fsync'd in the
 *   BlobStore, then the message and recipient rows are committed in one transaction, and only then
 *   does `enqueueMessage` resolve, so a submission server may answer 250 right after it. A crash in
 *   between leaves an unreferenced blob, never a queue row without its bytes.
 * - One row per distinct recipient (compared without case: RFC 5321 §2.4 lets a host treat the
 *   local part case-sensitively, but two spellings of one mailbox in one envelope are a duplicate
 *   in practice, and delivering twice is the worse error).
 * - New recipients are due at once; the runner groups them by domain (one SMTP transaction each).
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../../lib/errors/index.js';
import { insertOutboundMessage } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { QUEUE_LIFETIME_MS } from './retry-schedule.js';

/**
 * Most recipients in one queued message: the same cap as our MX's MAX_RECIPIENTS, and ten times the
 * RFC 5321 §4.5.3.1.8 minimum; it bounds the rows one submission can add (mass mailing).
 */
export const MAX_RECIPIENTS_PER_MESSAGE = 1000;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
export const MAX_ADDRESS_LENGTH = 254;

/** `local@domain` with no spaces or angle brackets; the domain has at least one character. */
const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

export interface EnqueueRequest {
  /** Envelope sender; `''` is the null sender `<>` (a bounce), which is never bounced. */
  mailFrom: string;
  recipients: string[];
  raw: Buffer;
  /** The submitting account, if any (bounces go back to it; `queue list` shows it). */
  accountId?: string | null;
}

/**
 * Queues a message for remote delivery; resolves once it is durable.
 * @throws InputError `outbound.invalid_address` (a malformed sender or recipient),
 *   `outbound.no_recipients`, `outbound.too_many_recipients`.
 */
export async function enqueueMessage(
  ctx: CoreContext,
  request: EnqueueRequest,
): Promise<{ queueId: string }> {
  const mailFrom = request.mailFrom.trim();
  if (mailFrom !== '') checkAddress(mailFrom);
  const recipients = new Map<string, string>();
  for (const address of request.recipients) {
    const trimmed = address.trim();
    checkAddress(trimmed);
    if (!recipients.has(trimmed.toLowerCase())) recipients.set(trimmed.toLowerCase(), trimmed);
  }
  if (recipients.size === 0) throw new InputError('outbound.no_recipients', 'a message needs a recipient');
  if (recipients.size > MAX_RECIPIENTS_PER_MESSAGE) {
    throw new InputError(
      'outbound.too_many_recipients',
      `at most ${MAX_RECIPIENTS_PER_MESSAGE} recipients per message`,
    );
  }
  const { id: blobId, size } = await ctx.blobs.put(request.raw);
  const now = ctx.clock.now();
  const queueId = randomUUID();
  await insertOutboundMessage(
    ctx.db,
    {
      id: queueId,
      blob_id: blobId,
      mail_from: mailFrom,
      account_id: request.accountId ?? null,
      size,
      created_at: now,
      expires_at: now + QUEUE_LIFETIME_MS,
    },
    [...recipients.values()].map((recipient) => ({
      id: randomUUID(),
      message_id: queueId,
      recipient,
      domain: domainOf(recipient),
      next_attempt_at: now,
    })),
  );
  ctx.log.info(
    { event: 'outbound.queued', queueId, recipients: recipients.size, size },
    'message queued for remote delivery',
  );
  return { queueId };
}

/** The lower-case domain of an address (after the last `@`). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function checkAddress(address: string): void {
  if (address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address)) {
    throw new InputError('outbound.invalid_address', `not a mail address: ${address.slice(0, 80)}`);
  }
}
