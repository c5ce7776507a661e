/**
 * Reads of one account's mail shaped for mail clients (JMAP, the webmail): mailbox counters, message
 * lists newest first, messages by id with their mailboxes, thread members.
 *
 * Implementation notes
 * - Every query is filtered by `account_id` in SQL: an id of another account reads nothing.
 * - Id lists travel in bounded chunks (IN lists of at most 500), as elsewhere in the store.
 * - Counters follow JMAP (RFC 8621 §2): unread = without $seen; IMAP's per-mailbox \Deleted does not
 *   hide a message from these counts.
 * - Lists are ordered by received date, newest first, ties by id: a stable order for paging.
 */
import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import { escapeLike, likeEscaped } from './like-pattern.js';
import type { ChangeKind, ChangeLogEntry, Database, Message } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const CHUNK = 500;

export interface MailboxCounters {
  mailboxId: string;
  total: number;
  unread: number;
  threads: number;
  unreadThreads: number;
}

/** Counters of every non-empty mailbox of the account. */
export async function countMailboxesOfAccount(db: Db, accountId: string): Promise<MailboxCounters[]> {
  const rows = await db
    .selectFrom('mailbox_messages')
    .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
    .select((eb) => [
      'mailbox_messages.mailbox_id as mailboxId',
      eb.fn.countAll<number | string>().as('total'),
      eb.fn
        .sum<number | string | null>(eb.case().when('messages.seen', '=', 0).then(1).else(0).end())
        .as('unread'),
      eb.fn.count<number | string>('messages.thread_id').distinct().as('threads'),
      eb.fn
        .count<number | string>(
          eb.case().when('messages.seen', '=', 0).then(eb.ref('messages.thread_id')).end(),
        )
        .distinct()
        .as('unreadThreads'),
    ])
    .where('mailbox_messages.account_id', '=', accountId)
    .groupBy('mailbox_messages.mailbox_id')
    .execute();
  return rows.map((row) => ({
    mailboxId: row.mailboxId,
    total: Number(row.total),
    unread: Number(row.unread ?? 0),
    threads: Number(row.threads),
    unreadThreads: Number(row.unreadThreads),
  }));
}

export interface ListedMessage {
  id: string;
  threadId: string;
  receivedAt: number;
}

/** Conditions a listed message meets, all of them (JMAP Email/query FilterCondition, RFC 8621 §4.4.1). */
export interface MessageFilter {
  mailboxId?: string;
  /** In a mailbox other than these. */
  notOnlyInMailboxIds?: readonly string[];
  /** receivedAt < before, receivedAt >= after (epoch ms). */
  before?: number;
  after?: number;
  /** size >= minSize, size < maxSize. */
  minSize?: number;
  maxSize?: number;
  /** Lower-case JMAP keywords. */
  hasKeyword?: string;
  notKeyword?: string;
  hasAttachment?: boolean;
  /** Restricted to these ids (a full-text search's hits). */
  onlyIds?: readonly string[];
}

const SYSTEM_KEYWORD_COLUMNS: Readonly<Record<string, 'seen' | 'flagged' | 'answered' | 'draft'>> = {
  $seen: 'seen',
  $flagged: 'flagged',
  $answered: 'answered',
  $draft: 'draft',
};

type MessageQuery = SelectQueryBuilder<Database, 'messages', object>;

/** `messages` rows meeting `filter` (but onlyIds, applied by the caller in chunks). */
function filtered(db: Db, accountId: string, filter: MessageFilter): MessageQuery {
  // One mailbox: joined, so that a small folder of a large account is read from its own rows.
  let query = (
    filter.mailboxId === undefined
      ? db.selectFrom('messages')
      : db
          .selectFrom('messages')
          .innerJoin('mailbox_messages', 'mailbox_messages.message_id', 'messages.id')
          .where('mailbox_messages.mailbox_id', '=', filter.mailboxId)
  ).where('messages.account_id', '=', accountId) as MessageQuery;
  if (filter.notOnlyInMailboxIds !== undefined) {
    const excluded = filter.notOnlyInMailboxIds.length > 0 ? filter.notOnlyInMailboxIds : [''];
    query = query.where(
      sql<boolean>`exists (select 1 from mailbox_messages mm where mm.message_id = messages.id and mm.mailbox_id not in (${sql.join(excluded)}))`,
    );
  }
  if (filter.before !== undefined) query = query.where('messages.received_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('messages.received_at', '>=', filter.after);
  if (filter.minSize !== undefined) query = query.where('messages.size', '>=', filter.minSize);
  if (filter.maxSize !== undefined) query = query.where('messages.size', '<', filter.maxSize);
  for (const [keyword, wanted] of [
    [filter.hasKeyword, true],
    [filter.notKeyword, false],
  ] as const) {
    if (keyword === undefined) continue;
    const column = SYSTEM_KEYWORD_COLUMNS[keyword];
    if (column) {
      query = query.where(`messages.${column}`, '=', wanted ? 1 : 0);
    } else {
      // Other keywords sit in a JSON array of strings: `"keyword"` appears in its text exactly when
      // the keyword is there (keywords hold no quote, RFC 8621 §4.1.1).
      const present = likeEscaped('messages.keywords', `%${escapeLike(JSON.stringify(keyword))}%`);
      query = query.where(wanted ? present : sql<boolean>`not (${present})`);
    }
  }
  if (filter.hasAttachment !== undefined) {
    query = query.where(
      sql<boolean>`exists (select 1 from message_bodies b where b.blob_id = messages.blob_id and b.has_attachment = ${filter.hasAttachment ? 1 : 0})`,
    );
  }
  return query;
}

/** The account's messages meeting `filter`, newest first: `offset`/`limit` of them and their total. */
export async function listMessagesNewestFirst(
  db: Db,
  accountId: string,
  options: MessageFilter & { offset: number; limit: number; collapseThreads?: boolean },
): Promise<{ messages: ListedMessage[]; total: number }> {
  const columns = [
    'messages.id as id',
    'messages.thread_id as threadId',
    'messages.received_at as receivedAt',
  ] as const;
  if (options.collapseThreads && options.onlyIds === undefined) {
    // One row per conversation: its newest message meeting the filter (a window over the filter).
    const ranked = filtered(db, accountId, options)
      .select(columns)
      .select(
        sql<number>`row_number() over (partition by messages.thread_id order by messages.received_at desc, messages.id desc)`.as(
          'rank',
        ),
      )
      .as('ranked');
    const messages = await db
      .selectFrom(ranked)
      .select(['ranked.id as id', 'ranked.threadId as threadId', 'ranked.receivedAt as receivedAt'])
      .where('ranked.rank', '=', 1)
      .orderBy('ranked.receivedAt', 'desc')
      .orderBy('ranked.id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
    const count = await filtered(db, accountId, options)
      .select(sql<number | string>`count(distinct messages.thread_id)`.as('n'))
      .executeTakeFirstOrThrow();
    return { messages, total: Number(count.n) };
  }
  if (options.onlyIds !== undefined) {
    // A search's hits: read them, sort here.
    const rows: ListedMessage[] = [];
    for (let start = 0; start < options.onlyIds.length; start += CHUNK) {
      const chunk = options.onlyIds.slice(start, start + CHUNK);
      rows.push(
        ...(await filtered(db, accountId, options)
          .where('messages.id', 'in', chunk)
          .select(columns)
          .execute()),
      );
    }
    rows.sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const seen = new Set<string>();
    const kept = options.collapseThreads
      ? rows.filter((row) => !seen.has(row.threadId) && seen.add(row.threadId))
      : rows;
    return { messages: kept.slice(options.offset, options.offset + options.limit), total: kept.length };
  }
  const messages = await filtered(db, accountId, options)
    .select(columns)
    .orderBy('messages.received_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const count = await filtered(db, accountId, options)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return { messages, total: Number(count.n) };
}

/** The account's messages with these ids (others are absent from the result). */
export async function findMessagesOfAccount(
  db: Db,
  accountId: string,
  ids: readonly string[],
): Promise<Message[]> {
  const rows: Message[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    rows.push(
      ...(await db
        .selectFrom('messages')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', ids.slice(start, start + CHUNK))
        .execute()),
    );
  }
  return rows;
}

/** Mailbox ids of each of these messages of the account. */
export async function listMailboxIdsOfMessages(
  db: Db,
  accountId: string,
  messageIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (let start = 0; start < messageIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('mailbox_messages')
      .select(['message_id', 'mailbox_id'])
      .where('account_id', '=', accountId)
      .where('message_id', 'in', messageIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      const list = result.get(row.message_id) ?? [];
      list.push(row.mailbox_id);
      result.set(row.message_id, list);
    }
  }
  return result;
}

/** The account's messages of these threads, oldest first within each thread. */
export async function listThreadMembers(
  db: Db,
  accountId: string,
  threadIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (let start = 0; start < threadIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'thread_id'])
      .where('account_id', '=', accountId)
      .where('thread_id', 'in', threadIds.slice(start, start + CHUNK))
      .orderBy('received_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const list = result.get(row.thread_id) ?? [];
      list.push(row.id);
      result.set(row.thread_id, list);
    }
  }
  return result;
}

/** The account's changes of one kind after `modseq`, oldest first, at most `limit` rows. */
export async function listAccountChangesSince(
  db: Db,
  accountId: string,
  kind: ChangeKind,
  modseq: number,
  limit: number,
): Promise<Pick<ChangeLogEntry, 'modseq' | 'object_id' | 'action'>[]> {
  return db
    .selectFrom('change_log')
    .select(['modseq', 'object_id', 'action'])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('modseq', '>', modseq)
    .orderBy('modseq')
    .limit(limit)
    .execute();
}

/** What became of one object since a modseq: new since then, gone since then, or changed. */
export type ChangeSummary = 'created' | 'updated' | 'destroyed';

/**
 * Every object of one kind the account changed after `modseq`, once each, with what became of it;
 * at most `limit` objects (the caller asks one more to know the list was cut). An object created and
 * destroyed since is left out: it was in no result before and is in none now.
 */
export async function summarizeAccountChangesSince(
  db: Db,
  accountId: string,
  kind: ChangeKind,
  modseq: number,
  limit: number,
): Promise<Map<string, ChangeSummary>> {
  // Grouped in SQL: a message flagged a thousand times is one row, not a thousand.
  const rows = await db
    .selectFrom('change_log')
    .select((eb) => [
      'object_id',
      eb.fn
        .max<number | string>(eb.case().when('action', '=', 'created').then(1).else(0).end())
        .as('created'),
      eb.fn
        .max<number | string>(eb.case().when('action', '=', 'destroyed').then(1).else(0).end())
        .as('destroyed'),
    ])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('modseq', '>', modseq)
    .groupBy('object_id')
    .orderBy('object_id')
    .limit(limit)
    .execute();
  const summary = new Map<string, ChangeSummary>();
  for (const row of rows) {
    const created = Number(row.created) === 1;
    const destroyed = Number(row.destroyed) === 1;
    if (created && destroyed) continue;
    summary.set(row.object_id, created ? 'created' : destroyed ? 'destroyed' : 'updated');
  }
  return summary;
}

/**
 * Where each of `ids` stands (0-based) among the account's messages meeting `filter`, newest first
 * as `listMessagesNewestFirst` orders them, and how many messages meet it. Ids that do not meet the
 * filter (or are not the account's) are absent from the map.
 */
export async function findPositionsNewestFirst(
  db: Db,
  accountId: string,
  filter: MessageFilter,
  ids: readonly string[],
): Promise<{ positions: Map<string, number>; total: number }> {
  const positions = new Map<string, number>();
  if (filter.onlyIds !== undefined) {
    // A search's hits are sorted in memory anyway: sort them all and look the ids up.
    const { messages, total } = await listMessagesNewestFirst(db, accountId, {
      ...filter,
      offset: 0,
      limit: filter.onlyIds.length,
    });
    const wanted = new Set(ids);
    messages.forEach((m, index) => {
      if (wanted.has(m.id)) positions.set(m.id, index);
    });
    return { positions, total };
  }
  // Ranked in the database: the ids of a large mailbox never travel, only the asked positions.
  const ranked = filtered(db, accountId, filter)
    .select([
      'messages.id as id',
      sql<number | string>`row_number() over (order by messages.received_at desc, messages.id desc)`.as(
        'position',
      ),
    ])
    .as('ranked');
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await db
      .selectFrom(ranked)
      .select(['ranked.id', 'ranked.position'])
      .where('ranked.id', 'in', ids.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) positions.set(row.id, Number(row.position) - 1);
  }
  const count = await filtered(db, accountId, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return { positions, total: Number(count.n) };
}

/** Whether one of the account's messages is stored in this blob (downloads check ownership so). */
export async function accountHasBlob(db: Db, accountId: string, blobId: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('blob_id', '=', blobId)
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
