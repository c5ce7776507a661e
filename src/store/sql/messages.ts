/**
 * Message bodies (shared, per blob), messages (per account) and mailbox memberships.
 *
 * Implementation notes
 * - `insertMessageBody` is idempotent (ON CONFLICT DO NOTHING on the blob id): the same raw message
 *   delivered twice, or to many accounts, is parsed and stored once.
 * - Lookups by message-id header for threading are filtered by account through the join on
 *   `messages`, so one account's threads never leak into another's.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ChangeLogEntry, Database, MailboxMessage, Message, MessageBody } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertMessageBody(db: Db, row: MessageBody): Promise<void> {
  await db
    .insertInto('message_bodies')
    .values(row)
    .onConflict((oc) => oc.column('blob_id').doNothing())
    .execute();
}

export async function findMessageBody(db: Db, blobId: string): Promise<MessageBody | undefined> {
  return db.selectFrom('message_bodies').selectAll().where('blob_id', '=', blobId).executeTakeFirst();
}

export async function insertMessage(db: Db, row: Message): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export async function insertMailboxMessage(db: Db, row: MailboxMessage): Promise<void> {
  await db.insertInto('mailbox_messages').values(row).execute();
}

export async function insertChanges(db: Db, rows: ChangeLogEntry[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('change_log').values(rows).execute();
}

export async function findMessageById(db: Db, accountId: string, id: string): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Thread ids of the account's messages whose Message-ID is one of `messageIds`.
 * Two steps on purpose: bodies by Message-ID (its index), then messages by blob (the
 * (blob_id, account_id) index). A single join let SQLite, without statistics, scan every message of
 * the account instead: 28 ms per delivery at 14 000 messages (bench/search-latency.ts).
 */
export async function findThreadIdsByMessageIds(
  db: Db,
  accountId: string,
  messageIds: string[],
): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const bodies = await db
    .selectFrom('message_bodies')
    .select('blob_id')
    .where('message_id', 'in', messageIds)
    .execute();
  if (bodies.length === 0) return [];
  const rows = await db
    .selectFrom('messages')
    .select('thread_id')
    .where(
      'blob_id',
      'in',
      bodies.map((b) => b.blob_id),
    )
    // `|| ''` keeps the planner off the account index (without statistics SQLite prefers it and
    // scans the whole mailbox); the filter still applies, on the rows the blob index finds.
    .where(sql`${sql.ref('account_id')} || ''`, '=', accountId)
    .distinct()
    .execute();
  return rows.map((r) => r.thread_id);
}

/**
 * Thread id of the account's latest message since `since` with this base subject (threading
 * fallback). Bodies by base subject first (its index), then the account's messages of those bodies,
 * as in findThreadIdsByMessageIds and for the same reason.
 */
export async function findThreadIdsByBaseSubject(
  db: Db,
  accountId: string,
  baseSubject: string,
  since: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('thread_id')
    .where('blob_id', 'in', (eb) =>
      eb.selectFrom('message_bodies').select('blob_id').where('base_subject', '=', baseSubject),
    )
    .where(sql`${sql.ref('account_id')} || ''`, '=', accountId)
    .where('received_at', '>=', since)
    .orderBy('received_at', 'desc')
    .limit(1)
    .execute();
  return rows.map((r) => r.thread_id);
}

export interface MailboxEntry {
  uid: number;
  modseq: number;
  deleted: number;
  message: Message;
}

/**
 * The messages of a mailbox in UID order (the IMAP sequence order); with `uids`, only those (read in
 * bounded chunks, so any number of UIDs fits the parameter limits).
 */
export async function listMailboxMessages(
  db: Db,
  accountId: string,
  mailboxId: string,
  uids?: readonly number[],
): Promise<MailboxEntry[]> {
  const query = () =>
    db
      .selectFrom('mailbox_messages')
      .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
      .selectAll('messages')
      .select([
        'mailbox_messages.uid as mm_uid',
        'mailbox_messages.modseq as mm_modseq',
        'mailbox_messages.deleted as mm_deleted',
      ])
      .where('mailbox_messages.account_id', '=', accountId)
      .where('mailbox_messages.mailbox_id', '=', mailboxId)
      .orderBy('mailbox_messages.uid');
  if (uids === undefined) return (await query().execute()).map(toEntry);
  if (uids.length === 0) return [];
  const sorted = [...uids].sort((a, b) => a - b);
  const first = sorted[0] as number;
  const last = sorted[sorted.length - 1] as number;
  // A dense set (1:1000, a client's 1:*) is one range scan of the primary key, which costs a
  // fraction of an IN list of hundreds of parameters; the few UIDs of the range not asked for are
  // dropped here. A sparse set (a UID list spread over the mailbox) keeps bounded IN lists.
  if (last - first + 1 <= 2 * sorted.length) {
    const wanted = new Set(sorted);
    const rows = await query()
      .where('mailbox_messages.uid', '>=', first)
      .where('mailbox_messages.uid', '<=', last)
      .execute();
    return rows.filter((row) => wanted.has(row.mm_uid)).map(toEntry);
  }
  const rows = [];
  for (let start = 0; start < sorted.length; start += 500) {
    rows.push(
      ...(await query()
        .where('mailbox_messages.uid', 'in', sorted.slice(start, start + 500))
        .execute()),
    );
  }
  return rows.map(toEntry);
}

/**
 * The UIDs of a mailbox, ascending: what an IMAP session keeps of its selected mailbox. The account
 * is checked once on the mailbox row, not on each message row, so the (mailbox_id, uid) key answers
 * alone (half the time of SELECT at 10 000 messages).
 */
export async function listMailboxUids(db: Db, accountId: string, mailboxId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('mailboxes')
    .innerJoin('mailbox_messages', 'mailbox_messages.mailbox_id', 'mailboxes.id')
    .select('mailbox_messages.uid')
    .where('mailboxes.id', '=', mailboxId)
    .where('mailboxes.account_id', '=', accountId)
    .orderBy('mailbox_messages.uid')
    .execute();
  return rows.map((row) => row.uid);
}

/** UID and message id of each message of a mailbox, ascending by UID (IMAP text searches). */
export async function listMailboxMessageIds(
  db: Db,
  accountId: string,
  mailboxId: string,
): Promise<{ uid: number; messageId: string }[]> {
  const rows = await db
    .selectFrom('mailbox_messages')
    .select(['uid', 'message_id'])
    .where('account_id', '=', accountId)
    .where('mailbox_id', '=', mailboxId)
    .orderBy('uid')
    .execute();
  return rows.map((row) => ({ uid: row.uid, messageId: row.message_id }));
}

/**
 * UID and message id of those of `messageIds` that are in this mailbox (any order): a rare word's
 * few hits mapped to UIDs through the (mailbox_id, message_id) key, without listing the mailbox.
 */
export async function findMailboxUidsOfMessages(
  db: Db,
  accountId: string,
  mailboxId: string,
  messageIds: readonly string[],
): Promise<{ uid: number; messageId: string }[]> {
  const found: { uid: number; messageId: string }[] = [];
  for (let start = 0; start < messageIds.length; start += 500) {
    const rows = await db
      .selectFrom('mailbox_messages')
      .select(['uid', 'message_id'])
      .where('mailbox_id', '=', mailboxId)
      .where('message_id', 'in', messageIds.slice(start, start + 500))
      .where('account_id', '=', accountId)
      .execute();
    for (const row of rows) found.push({ uid: row.uid, messageId: row.message_id });
  }
  return found;
}

/** The lowest UID of a message not yet read, or null when everything is read. */
export async function findFirstUnseenUid(
  db: Db,
  accountId: string,
  mailboxId: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('mailbox_messages')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .select('mailbox_messages.uid')
    .where('mailbox_messages.account_id', '=', accountId)
    .where('mailbox_messages.mailbox_id', '=', mailboxId)
    .where('messages.seen', '=', 0)
    .orderBy('mailbox_messages.uid')
    .limit(1)
    .executeTakeFirst();
  return row?.uid ?? null;
}

/** Messages of a mailbox whose membership or flags changed after `modseq` (QRESYNC), in UID order. */
export async function listMailboxMessagesChangedSince(
  db: Db,
  accountId: string,
  mailboxId: string,
  modseq: number,
): Promise<MailboxEntry[]> {
  const rows = await db
    .selectFrom('mailbox_messages')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .selectAll('messages')
    .select([
      'mailbox_messages.uid as mm_uid',
      'mailbox_messages.modseq as mm_modseq',
      'mailbox_messages.deleted as mm_deleted',
    ])
    .where('mailbox_messages.account_id', '=', accountId)
    .where('mailbox_messages.mailbox_id', '=', mailboxId)
    .where((eb) => eb.or([eb('mailbox_messages.modseq', '>', modseq), eb('messages.modseq', '>', modseq)]))
    .orderBy('mailbox_messages.uid')
    .execute();
  return rows.map(toEntry);
}

function toEntry({
  mm_uid,
  mm_modseq,
  mm_deleted,
  ...message
}: Message & { mm_uid: number; mm_modseq: number; mm_deleted: number }): MailboxEntry {
  return { uid: mm_uid, modseq: mm_modseq, deleted: mm_deleted, message };
}

/**
 * Total, unseen and `\Deleted` messages of a mailbox (IMAP SELECT and STATUS, JMAP Mailbox/set): the
 * stored counters (migration 0009) and the few `\Deleted` memberships, by their partial index.
 */
export async function countMailboxMessages(
  db: Db,
  accountId: string,
  mailboxId: string,
): Promise<{ total: number; unseen: number; deleted: number }> {
  const counters = await db
    .selectFrom('mailboxes')
    .innerJoin('mailbox_counters', 'mailbox_counters.mailbox_id', 'mailboxes.id')
    .select(['mailbox_counters.total', 'mailbox_counters.unread'])
    .where('mailboxes.id', '=', mailboxId)
    .where('mailboxes.account_id', '=', accountId)
    .executeTakeFirst();
  if (counters === undefined) return { total: 0, unseen: 0, deleted: 0 };
  // `deleted = 1` as a literal: SQLite uses a partial index only for a condition it can read.
  const deleted = await db
    .selectFrom('mailbox_messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('mailbox_id', '=', mailboxId)
    .where(sql<boolean>`deleted = 1`)
    .executeTakeFirstOrThrow();
  return { total: Number(counters.total), unseen: Number(counters.unread), deleted: Number(deleted.n) };
}

/** Every account's messages in id order, a page at a time (keyset on `id`), for re-indexing. */
export async function listMessagesAfter(
  db: Db,
  afterId: string,
  limit: number,
): Promise<Pick<Message, 'id' | 'account_id' | 'blob_id' | 'received_at'>[]> {
  return db
    .selectFrom('messages')
    .select(['id', 'account_id', 'blob_id', 'received_at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The shared bodies of these blobs (parsed metadata), for FETCH and JMAP Email/get. */
export async function findMessageBodies(db: Db, blobIds: string[]): Promise<MessageBody[]> {
  if (blobIds.length === 0) return [];
  const rows: MessageBody[] = [];
  // Bounded IN lists: SQLite allows 32 766 parameters, and a huge statement is slow to compile.
  for (let start = 0; start < blobIds.length; start += 500) {
    const chunk = blobIds.slice(start, start + 500);
    rows.push(...(await db.selectFrom('message_bodies').selectAll().where('blob_id', 'in', chunk).execute()));
  }
  return rows;
}

/** The columns of a shared body that FETCH renders: its stored envelope and MIME structure. */
export type BodyDescriptionColumn = 'envelope' | 'structure';

/**
 * Only the asked columns of these blobs' bodies: FETCH ENVELOPE of a thousand messages reads their
 * envelopes, not the previews, address lists and attachment lists beside them (a quarter of the time).
 */
export async function findMessageBodyColumns<C extends BodyDescriptionColumn>(
  db: Db,
  blobIds: readonly string[],
  columns: readonly C[],
): Promise<(Pick<MessageBody, 'blob_id'> & Pick<MessageBody, C>)[]> {
  if (blobIds.length === 0) return [];
  const rows: (Pick<MessageBody, 'blob_id'> & Pick<MessageBody, C>)[] = [];
  for (let start = 0; start < blobIds.length; start += 500) {
    const chunk = blobIds.slice(start, start + 500);
    const found = await db
      .selectFrom('message_bodies')
      .select(['blob_id', ...columns] as ('blob_id' | BodyDescriptionColumn)[])
      .where('blob_id', 'in', chunk)
      .execute();
    rows.push(...(found as unknown as (Pick<MessageBody, 'blob_id'> & Pick<MessageBody, C>)[]));
  }
  return rows;
}

/** Changes of one mailbox after `modseq`, oldest first (IMAP untagged updates, QRESYNC). */
export async function listMailboxChangesSince(
  db: Db,
  accountId: string,
  mailboxId: string,
  modseq: number,
): Promise<ChangeLogEntry[]> {
  return db
    .selectFrom('change_log')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('mailbox_id', '=', mailboxId)
    .where('modseq', '>', modseq)
    .orderBy('modseq')
    .execute();
}
