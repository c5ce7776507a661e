/**
 * Local delivery: store a raw message once, then file it into each recipient account.
 *
 * Implementation notes
 * - Durability order (PRODUCT.md "Nothing acknowledged is lost"): the blob is fsync'd (BlobStore.put)
 *   before the database rows that name it are committed, and a protocol acknowledges only after the
 *   commit. A crash in between leaves an unreferenced blob, never a row without its blob.
 * - Single-instance: one blob, one `message_bodies` row and one search text per distinct raw message,
 *   whatever the number of recipients; each recipient gets a `messages` row, a mailbox membership and
 *   a small search row.
 * - One transaction per delivery, whatever the number of recipients: the body row, every recipient's
 *   quota charge, modseq, UID and rows, and the search index entries commit together. So a message is
 *   searchable as soon as it is visible (no window, no re-indexing after a crash), and a delivery
 *   costs one commit, not three per recipient. A recipient whose mailbox filled up since RCPT is
 *   skipped inside the transaction (its result says so); the others still get the message.
 * - Concurrent deliveries share that transaction (store/sql/group-commit.ts): a burst of messages
 *   from several connections is made durable by one commit.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/errors/index.js';
import { type ParsedMessage, parseMessage } from '../../lib/mime/index.js';
import type { BlobId } from '../../store/blob/index.js';
import type { SearchDocument } from '../../store/search/index.js';
import {
  type Account,
  allocateUid,
  announceWrite,
  type ChangeLogEntry,
  chargeMessage,
  findAccountByAddress,
  findAccountUsage,
  findMailboxById,
  findProfileById,
  inGroupCommit,
  insertChanges,
  insertMailboxMessage,
  insertMessage,
  insertMessageBody,
  type MailboxRole,
  type MessageBody,
  type WriteAnnouncement,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { mailboxWithRole } from './mailboxes.js';
import { baseSubject, resolveThreadId } from './threading.js';

export interface StoredBody {
  blobId: BlobId;
  size: number;
  parsed: ParsedMessage;
  /** Its first delivery's commit is expected (group commit waits briefly for announced writers). */
  announcement?: WriteAnnouncement;
}

/**
 * Parses the raw message and stores its bytes durably (idempotent for identical bytes). Its database
 * row is written with its first delivery, in the same transaction.
 */
export async function storeMessageBody(ctx: CoreContext, raw: Buffer): Promise<StoredBody> {
  const announcement = announceWrite(ctx.db);
  const parsed = parseMessage(raw);
  const { id: blobId, size } = await ctx.blobs.put(raw);
  return { blobId, size, parsed, announcement };
}

function bodyRow(ctx: CoreContext, body: StoredBody): MessageBody {
  const { parsed } = body;
  return {
    blob_id: body.blobId,
    size: body.size,
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
  };
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
  accountId: string;
  messageId: string;
  mailboxId: string;
  uid: number;
  modseq: number;
  threadId: string;
}

export interface DeliveryTarget {
  recipient: Pick<Recipient, 'account' | 'quotaBytes'>;
  options: DeliveryOptions;
}

/** Per target, in order: where the message went, or why it did not (`mail.over_quota`). */
export type DeliveryResult = { ok: true; delivered: Delivered } | { ok: false; error: UserError };

/**
 * Files a stored message into one account's mailbox (Inbox by default).
 * @throws UserError `mail.over_quota` when it does not fit, `mailbox.not_found`; nothing is written then.
 */
export async function deliverToAccount(
  ctx: CoreContext,
  body: StoredBody,
  recipient: Pick<Recipient, 'account' | 'quotaBytes'>,
  options: DeliveryOptions,
): Promise<Delivered> {
  const [result] = await deliverToAccounts(ctx, body, [{ recipient, options }]);
  if (!result) throw new Error('delivery returned no result');
  if (!result.ok) throw result.error;
  return result.delivered;
}

/**
 * Files a stored message into several accounts in one transaction (see the notes above). A target
 * whose mailbox is full gets `{ ok: false }`; the others are delivered.
 * @throws UserError `mailbox.not_found` when a target names a mailbox its account does not have;
 *   nothing is written then.
 */
export async function deliverToAccounts(
  ctx: CoreContext,
  body: StoredBody,
  targets: DeliveryTarget[],
): Promise<DeliveryResult[]> {
  // Reads first, outside the transaction, so that the write lock is held only for the writes.
  const planned: {
    recipient: DeliveryTarget['recipient'];
    options: DeliveryOptions;
    mailboxId: string;
    threadId: string;
  }[] = [];
  for (const { recipient, options } of targets) {
    const accountId = recipient.account.id;
    const mailbox = options.mailboxId
      ? await findMailboxById(ctx.db, accountId, options.mailboxId)
      : await mailboxWithRole(ctx, accountId, options.role ?? 'inbox');
    if (!mailbox) throw new UserError('mailbox.not_found', 'no such mailbox');
    const threadId = await resolveThreadId(ctx, accountId, body.parsed, options.receivedAt);
    planned.push({ recipient, options, mailboxId: mailbox.id, threadId });
  }
  const row = bodyRow(ctx, body);
  const announcement = body.announcement;
  body.announcement = undefined; // only the first delivery of a body was announced
  const results = await inGroupCommit(
    ctx.db,
    async (trx) => {
      await insertMessageBody(trx, row);
      const results: DeliveryResult[] = [];
      const documents: SearchDocument[] = [];
      for (const { recipient, options, mailboxId, threadId } of planned) {
        const accountId = recipient.account.id;
        const modseq = await chargeMessage(trx, accountId, body.size, recipient.quotaBytes);
        if (modseq === undefined) {
          const message = `mailbox of ${recipient.account.address} is full`;
          results.push({ ok: false, error: new UserError('mail.over_quota', message) });
          continue;
        }
        const uid = await allocateUid(trx, accountId, mailboxId, modseq);
        // Deleted between the read above and this transaction: retrying finds the new state.
        if (uid === undefined) throw new Error(`mailbox ${mailboxId} vanished during delivery`);
        const messageId = randomUUID();
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
          mailbox_id: mailboxId,
          uid,
          message_id: messageId,
          account_id: accountId,
          modseq,
          deleted: options.deleted ? 1 : 0,
          received_at: options.receivedAt,
        });
        await insertChanges(trx, deliveryChanges(accountId, modseq, messageId, mailboxId, uid, threadId));
        documents.push(searchDocument(accountId, messageId, body, options.receivedAt));
        results.push({ ok: true, delivered: { accountId, messageId, mailboxId, uid, modseq, threadId } });
      }
      await ctx.search.indexMany(documents, trx);
      return results;
    },
    announcement,
  );
  for (const result of results) {
    if (!result.ok) continue;
    const { accountId, mailboxId, modseq } = result.delivered;
    ctx.changes.publish({ accountId, mailboxIds: [mailboxId], modseq });
  }
  return results;
}

function deliveryChanges(
  accountId: string,
  modseq: number,
  messageId: string,
  mailboxId: string,
  uid: number,
  threadId: string,
): ChangeLogEntry[] {
  const change = { account_id: accountId, modseq, mailbox_id: null, uid: null };
  return [
    { ...change, kind: 'email', object_id: messageId, action: 'created', mailbox_id: mailboxId, uid },
    { ...change, kind: 'mailbox', object_id: mailboxId, action: 'updated' },
    { ...change, kind: 'thread', object_id: threadId, action: 'updated' },
  ];
}

/** The search document of an account's message. */
export function searchDocument(
  accountId: string,
  messageId: string,
  body: Pick<StoredBody, 'blobId' | 'parsed'>,
  receivedAt: number,
): SearchDocument {
  const people = (list: { name: string; address: string }[]) =>
    list.map((a) => `${a.name} ${a.address}`).join(' ');
  const { parsed } = body;
  return {
    accountId,
    messageId,
    bodyKey: body.blobId,
    subject: parsed.subject,
    from: people(parsed.from),
    to: people([...parsed.to, ...parsed.cc, ...parsed.bcc]),
    body: parsed.textBody,
    attachmentNames: parsed.attachments.map((a) => a.filename ?? '').join(' '),
    receivedAt,
  };
}
