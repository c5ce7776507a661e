/**
 * Local delivery: store a raw message once, then file it into each recipient account.
 *
 * Implementation notes
 * - Durability order (PRODUCT.md "Nothing acknowledged is lost"): the blob is fsync'd (BlobStore.put)
 *   before the database rows that name it are committed, and a protocol acknowledges only after the
 *   commit. A crash in between leaves an unreferenced blob, never a row without its blob.
 * - Single-instance: one blob and one `message_bodies` row per distinct raw message, whatever the
 *   number of recipients; each recipient gets a `messages` row and a mailbox membership.
 * - Per recipient, quota charge, modseq, UID allocation and the rows are one transaction: a message is
 *   either fully in the mailbox, counted, and visible to IMAP/JMAP, or not at all.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/errors/index.js';
import { type ParsedMessage, parseMessage } from '../../lib/mime/index.js';
import type { BlobId } from '../../store/blob/index.js';
import {
  type Account,
  allocateUid,
  chargeMessage,
  findAccountByAddress,
  findAccountUsage,
  findMailboxById,
  findProfileById,
  insertChanges,
  insertMailboxMessage,
  insertMessage,
  insertMessageBody,
  type MailboxRole,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { mailboxWithRole } from './mailboxes.js';
import { baseSubject, resolveThreadId } from './threading.js';

export interface StoredBody {
  blobId: BlobId;
  size: number;
  parsed: ParsedMessage;
}

/** Parses and durably stores a raw message once (idempotent for identical bytes). */
export async function storeMessageBody(ctx: CoreContext, raw: Buffer): Promise<StoredBody> {
  const parsed = parseMessage(raw);
  const { id: blobId, size } = await ctx.blobs.put(raw);
  await insertMessageBody(ctx.db, {
    blob_id: blobId,
    size,
    structure: JSON.stringify(parsed.root),
    envelope: JSON.stringify(parsed.envelope),
    subject: parsed.subject,
    base_subject: baseSubject(parsed.subject),
    from_addresses: JSON.stringify(parsed.from),
    to_addresses: JSON.stringify(parsed.to),
    cc_addresses: JSON.stringify(parsed.cc),
    sent_at: parsed.sentAt,
    message_id: parsed.messageId,
    in_reply_to: JSON.stringify(parsed.inReplyTo),
    references: JSON.stringify(parsed.references),
    preview: parsed.preview,
    has_attachment: parsed.hasAttachment ? 1 : 0,
    attachments: JSON.stringify(parsed.attachments),
    created_at: ctx.clock.now(),
  });
  return { blobId, size, parsed };
}

export interface Recipient {
  account: Account;
  quotaBytes: number;
  usedBytes: number;
}

/** The local account an address (primary or alias) belongs to, with its quota; undefined if none. */
export async function findRecipient(ctx: CoreContext, address: string): Promise<Recipient | undefined> {
  const account = await findAccountByAddress(ctx.db, address.trim().toLowerCase());
  if (!account) return undefined;
  const profile = await findProfileById(ctx.db, account.profile_id);
  const usage = await findAccountUsage(ctx.db, account.id);
  return { account, quotaBytes: profile?.quota_bytes ?? 0, usedBytes: usage?.used_bytes ?? 0 };
}

export function wouldExceedQuota(recipient: Recipient, sizeBytes: number): boolean {
  return recipient.usedBytes + sizeBytes > recipient.quotaBytes;
}

export interface DeliveryOptions {
  role?: MailboxRole;
  /** A mailbox of the recipient's, instead of the one with `role`. */
  mailboxId?: string;
  /** IMAP \\Deleted on the new membership (imports keep it). */
  deleted?: boolean;
  receivedAt: number;
  seen?: boolean;
  flagged?: boolean;
  answered?: boolean;
  draft?: boolean;
  keywords?: string[];
}

export interface Delivered {
  messageId: string;
  mailboxId: string;
  uid: number;
  modseq: number;
  threadId: string;
}

/**
 * Files a stored message into one account's mailbox (Inbox by default).
 * @throws UserError `mail.over_quota` when it does not fit; nothing is written then.
 */
export async function deliverToAccount(
  ctx: CoreContext,
  body: StoredBody,
  recipient: Pick<Recipient, 'account' | 'quotaBytes'>,
  options: DeliveryOptions,
): Promise<Delivered> {
  const accountId = recipient.account.id;
  const mailbox = options.mailboxId
    ? await findMailboxById(ctx.db, accountId, options.mailboxId)
    : await mailboxWithRole(ctx, accountId, options.role ?? 'inbox');
  if (!mailbox) throw new UserError('mailbox.not_found', 'no such mailbox');
  const threadId = await resolveThreadId(ctx, accountId, body.parsed, options.receivedAt);
  const messageId = randomUUID();
  const delivered = await ctx.db.transaction().execute(async (trx) => {
    const modseq = await chargeMessage(trx, accountId, body.size, recipient.quotaBytes);
    if (modseq === undefined) {
      throw new UserError('mail.over_quota', `mailbox of ${recipient.account.address} is full`);
    }
    const uid = await allocateUid(trx, accountId, mailbox.id, modseq);
    if (uid === undefined) throw new Error(`mailbox ${mailbox.id} vanished during delivery`);
    await insertMessage(trx, {
      id: messageId,
      account_id: accountId,
      blob_id: body.blobId,
      thread_id: threadId,
      received_at: options.receivedAt,
      size: body.size,
      seen: options.seen ? 1 : 0,
      flagged: options.flagged ? 1 : 0,
      answered: options.answered ? 1 : 0,
      draft: options.draft ? 1 : 0,
      keywords: JSON.stringify(options.keywords ?? []),
      modseq,
      created_at: ctx.clock.now(),
    });
    await insertMailboxMessage(trx, {
      mailbox_id: mailbox.id,
      uid,
      message_id: messageId,
      account_id: accountId,
      modseq,
      deleted: options.deleted ? 1 : 0,
    });
    await insertChanges(trx, [
      {
        account_id: accountId,
        modseq,
        kind: 'email',
        object_id: messageId,
        action: 'created',
        mailbox_id: mailbox.id,
        uid,
      },
      {
        account_id: accountId,
        modseq,
        kind: 'mailbox',
        object_id: mailbox.id,
        action: 'updated',
        mailbox_id: null,
        uid: null,
      },
      {
        account_id: accountId,
        modseq,
        kind: 'thread',
        object_id: threadId,
        action: 'updated',
        mailbox_id: null,
        uid: null,
      },
    ]);
    return { messageId, mailboxId: mailbox.id, uid, modseq, threadId };
  });
  await indexForSearch(ctx, accountId, messageId, body, options.receivedAt);
  return delivered;
}

/**
 * Indexes a delivered message. It runs after the commit: the message is already safe, so an index
 * failure is logged, never turned into a delivery failure.
 * TODO(search): a start-up job re-indexing messages a crash left out of the index.
 */
async function indexForSearch(
  ctx: CoreContext,
  accountId: string,
  messageId: string,
  body: StoredBody,
  receivedAt: number,
) {
  const people = (list: { name: string; address: string }[]) =>
    list.map((a) => `${a.name} ${a.address}`).join(' ');
  const { parsed } = body;
  try {
    await ctx.search.index({
      accountId,
      messageId,
      subject: parsed.subject,
      from: people(parsed.from),
      to: people([...parsed.to, ...parsed.cc, ...parsed.bcc]),
      body: parsed.textBody,
      attachmentNames: parsed.attachments.map((a) => a.filename ?? '').join(' '),
      receivedAt,
    });
  } catch (error) {
    ctx.log.error({ event: 'mail.index.failed', err: error, messageId }, 'indexing failed');
  }
}
