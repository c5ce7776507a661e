/**
 * Sending a DSN for recipients that failed permanently.
 *
 * Implementation notes
 * - A message whose envelope sender is null (`<>`, a bounce itself) is never bounced: RFC 5321
 *   §4.5.5 and RFC 3464 §2 forbid it, since two servers bouncing each other's bounces would loop.
 * - A local sender (any address of a local account, aliases included) gets the DSN in their Inbox,
 *   through core/mail like any delivery. Quota is not enforced for it: a DSN is small (headers only,
 *   at most MAX_RETURNED_HEADER_BYTES of them) and a full mailbox must not hide from its owner that
 *   their message was not delivered — that is when they most need to know. The bytes are still
 *   counted, so the next ordinary delivery sees the true usage.
 * - A remote sender gets it through the outbound queue with a null sender, so it is retried like
 *   any message and, if it fails in turn, dropped without a further bounce.
 */
import type { Readable } from 'node:stream';
import { parseBlobId } from '../../store/blob/index.js';
import type { OutboundMessage } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../mail/index.js';
import { buildDsn, type DsnRecipient, headerBlockOf, MAX_RETURNED_HEADER_BYTES } from './dsn.js';
import { enqueueMessage } from './enqueue.js';

/** Quota passed for a DSN: effectively none (see the notes above). */
const BOUNCE_QUOTA_BYTES = Number.MAX_SAFE_INTEGER;

export interface BounceRequest {
  /** Our host name (Reporting-MTA, MAILER-DAEMON@). */
  hostname: string;
  message: OutboundMessage;
  failures: DsnRecipient[];
}

/**
 * Notifies the sender of `message` that `failures` will not be delivered.
 * @returns where the DSN went: `local` (the sender's Inbox), `remote` (queued), or `suppressed`
 *   (null sender: nothing sent).
 * @throws when the DSN could not be stored or queued; the caller keeps the recipients to retry.
 */
export async function sendBounce(
  ctx: CoreContext,
  request: BounceRequest,
): Promise<'local' | 'remote' | 'suppressed'> {
  const { message } = request;
  if (message.mail_from === '' || request.failures.length === 0) return 'suppressed';
  const head = await readHead(await ctx.blobs.get(parseBlobId(message.blob_id)));
  const now = ctx.clock.now();
  const dsn = buildDsn({
    reportingMta: request.hostname,
    sender: message.mail_from,
    arrivalDate: message.created_at,
    date: now,
    recipients: request.failures,
    originalHeaders: headerBlockOf(head),
  });
  const local = await findRecipient(ctx, message.mail_from);
  if (local) {
    const body = await storeMessageBody(ctx, dsn);
    await deliverToAccount(
      ctx,
      body,
      { account: local.account, quotaBytes: BOUNCE_QUOTA_BYTES },
      {
        receivedAt: now,
      },
    );
    return 'local';
  }
  await enqueueMessage(ctx, { mailFrom: '', recipients: [message.mail_from], raw: dsn });
  return 'remote';
}

/** The start of a message, enough for its header block; the rest is never read. */
async function readHead(stream: Readable): Promise<Buffer> {
  const limit = MAX_RETURNED_HEADER_BYTES + 4;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      total += buffer.length;
      if (total >= limit || buffer.includes('\n\n') || buffer.includes('\r\n\r\n')) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}
