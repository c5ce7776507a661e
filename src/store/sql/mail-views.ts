/**
 * Reads of one account's mail shaped for mail clients (JMAP, the webmail): mailbox counters, message
 * lists newest first, messages by id with their mailboxes, thread members.
 *
 * Implementation notes
 * - Every query is filtered by `account_id` in SQL: an id of another account reads nothing.
 * - Id lists travel in bounded chunks (IN lists of at most 500), as elsewhere in the store; on
 *   PostgreSQL a search's hits travel as one array parameter.
 * - Counters follow JMAP (RFC 8621 §2): unread = without $seen; IMAP's per-mailbox \Deleted does not
 *   hide a message from these counts. They are stored (migration 0009) and read, not counted.
 * - A folder is listed through its memberships' copy of the received date and the
 *   (mailbox_id, received_at, message_id) index: a page costs its rows, not the folder's.
 * - Lists are ordered by received date, newest first, ties by id: a stable order for paging.
 */
import { type Kysely, PostgresAdapter, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
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

/**
 * Counters of every non-empty mailbox of the account: the stored ones (`mailbox_counters`, kept by
 * the triggers of migration 0009 in the transactions that change memberships, $seen or threads), so
 * Mailbox/get reads one row per mailbox instead of counting every membership.
 */
export async function countMailboxesOfAccount(db: Db, accountId: string): Promise<MailboxCounters[]> {
  const rows = await db
    .selectFrom('mailboxes')
    .innerJoin('mailbox_counters', 'mailbox_counters.mailbox_id', 'mailboxes.id')
    .select([
      'mailboxes.id as mailboxId',
      'mailbox_counters.total',
      'mailbox_counters.unread',
      'mailbox_counters.threads',
      'mailbox_counters.unread_threads as unreadThreads',
    ])
    .where('mailboxes.account_id', '=', accountId)
    .where('mailbox_counters.total', '>', 0)
    .orderBy('mailboxes.id')
    .execute();
  return rows.map((row) => ({
    mailboxId: row.mailboxId,
    total: Number(row.total),
    unread: Number(row.unread),
    threads: Number(row.threads),
    unreadThreads: Number(row.unreadThreads),
  }));
}

/**
 * The same counters counted from the memberships, the way the stored ones must agree with (tests
 * compare the two; a repair could rewrite the stored ones from it).
 */
export async function recountMailboxesOfAccount(db: Db, accountId: string): Promise<MailboxCounters[]> {
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
    .orderBy('mailbox_messages.mailbox_id')
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

/**
 * The query of a list: `messages`, joined to the mailbox's memberships when the filter names one
 * (then `mailbox_messages` is in the query too, though the type does not say so).
 */
type MessageQuery = SelectQueryBuilder<Database, 'messages' | 'mailbox_messages', object>;

/**
 * The columns a list is ordered by. In one mailbox, the membership's copy of the received date and
 * its message id: the (mailbox_id, received_at, message_id) index gives that order without a sort.
 */
function orderColumns(filter: MessageFilter) {
  return filter.mailboxId === undefined
    ? ({ received: 'messages.received_at', id: 'messages.id' } as const)
    : ({ received: 'mailbox_messages.received_at', id: 'mailbox_messages.message_id' } as const);
}

/** Whether the filter reads anything of the message beyond its membership of one mailbox. */
function readsMessages(filter: MessageFilter): boolean {
  return (
    filter.notOnlyInMailboxIds !== undefined ||
    filter.minSize !== undefined ||
    filter.maxSize !== undefined ||
    filter.hasKeyword !== undefined ||
    filter.notKeyword !== undefined ||
    filter.hasAttachment !== undefined
  );
}

/**
 * `messages` rows meeting `filter` (but onlyIds, applied by the caller in chunks: `byIds` then keeps
 * the planner on the id key; without statistics SQLite otherwise walked the account's every message
 * for each chunk of hits, 0.6 s for 10 000 hits of a 50 000-message mailbox).
 */
function filtered(db: Db, accountId: string, filter: MessageFilter, byIds = false): MessageQuery {
  // One mailbox: its memberships first (their account is the message's), so a folder is read from
  // its own rows by the (mailbox_id, received_at) index, not from the account's messages.
  let query = (
    filter.mailboxId === undefined
      ? db
          .selectFrom('messages')
          .where(
            byIds ? sql<string>`${sql.ref('messages.account_id')} || ''` : 'messages.account_id',
            '=',
            accountId,
          )
      : db
          .selectFrom('mailbox_messages')
          .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
          .where('mailbox_messages.mailbox_id', '=', filter.mailboxId)
          .where('mailbox_messages.account_id', '=', accountId)
  ) as MessageQuery;
  const { received } = orderColumns(filter);
  if (filter.notOnlyInMailboxIds !== undefined) {
    const excluded = filter.notOnlyInMailboxIds.length > 0 ? filter.notOnlyInMailboxIds : [''];
    query = query.where(
      sql<boolean>`exists (select 1 from mailbox_messages mm where mm.message_id = messages.id and mm.mailbox_id not in (${sql.join(excluded)}))`,
    );
  }
  if (filter.before !== undefined) query = query.where(received, '<', filter.before);
  if (filter.after !== undefined) query = query.where(received, '>=', filter.after);
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

/**
 * The memberships of one mailbox of the account, within the filter's dates: what the index answers
 * alone (the account is checked once, on the mailbox row).
 */
function mailboxMemberships(db: Db, accountId: string, mailboxId: string, filter: MessageFilter) {
  let query = db
    .selectFrom('mailboxes')
    .innerJoin('mailbox_messages', 'mailbox_messages.mailbox_id', 'mailboxes.id')
    .where('mailboxes.id', '=', mailboxId)
    .where('mailboxes.account_id', '=', accountId);
  if (filter.before !== undefined) query = query.where('mailbox_messages.received_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('mailbox_messages.received_at', '>=', filter.after);
  return query;
}

/**
 * How many messages (or, `threads`, conversations) meet the filter: the stored counters of the
 * mailbox when the filter is the mailbox alone, else counted.
 */
async function countMatching(
  db: Db,
  accountId: string,
  filter: MessageFilter,
  threads: boolean,
): Promise<number> {
  const { mailboxId } = filter;
  if (mailboxId !== undefined && !readsMessages(filter)) {
    if (filter.before === undefined && filter.after === undefined) {
      const row = await db
        .selectFrom('mailboxes')
        .innerJoin('mailbox_counters', 'mailbox_counters.mailbox_id', 'mailboxes.id')
        .select(threads ? 'mailbox_counters.threads as n' : 'mailbox_counters.total as n')
        .where('mailboxes.id', '=', mailboxId)
        .where('mailboxes.account_id', '=', accountId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    }
    if (!threads) {
      const row = await mailboxMemberships(db, accountId, mailboxId, filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }
  }
  const row = await filtered(db, accountId, filter)
    .select(
      threads
        ? sql<number | string>`count(distinct messages.thread_id)`.as('n')
        : sql<number | string>`count(*)`.as('n'),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A page of a folder, newest first, when the filter is the folder (and dates): the index walked to
 * the page (the rows skipped by the offset are index entries, not messages), then the page's
 * messages read by key. Exported for the test that checks its plan.
 */
export function folderPageQuery(
  db: Db,
  accountId: string,
  options: MessageFilter & { mailboxId: string; offset: number; limit: number },
) {
  const page = mailboxMemberships(db, accountId, options.mailboxId, options)
    .select(['mailbox_messages.message_id as messageId', 'mailbox_messages.received_at as receivedAt'])
    .orderBy('mailbox_messages.received_at', 'desc')
    .orderBy('mailbox_messages.message_id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .as('page');
  return db
    .selectFrom(page)
    .innerJoin('messages', 'messages.id', 'page.messageId')
    .select(['messages.id as id', 'messages.thread_id as threadId', 'messages.received_at as receivedAt'])
    .orderBy('page.receivedAt', 'desc')
    .orderBy('page.messageId', 'desc');
}

/** The account's messages meeting `filter`, newest first: `offset`/`limit` of them and their total. */
export async function listMessagesNewestFirst(
  db: Db,
  accountId: string,
  options: MessageFilter & { offset: number; limit: number; collapseThreads?: boolean },
): Promise<{ messages: ListedMessage[]; total: number }> {
  const order = orderColumns(options);
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
        sql<number>`row_number() over (partition by messages.thread_id order by ${sql.ref(order.received)} desc, ${sql.ref(order.id)} desc)`.as(
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
    return { messages, total: await countMatching(db, accountId, options, true) };
  }
  if (options.onlyIds !== undefined) {
    // A search's hits: read them, sort here. PostgreSQL takes them all as one array parameter (one
    // statement, planned once: 20 lists of 500 were 20 scans of a large folder); SQLite in lists
    // of 500, each answered by the id key.
    const rows: ListedMessage[] = [];
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const chunkSize = postgres ? Math.max(options.onlyIds.length, 1) : CHUNK;
    for (let start = 0; start < options.onlyIds.length; start += chunkSize) {
      const chunk = options.onlyIds.slice(start, start + chunkSize);
      rows.push(
        ...(await filtered(db, accountId, options, true)
          .where(
            postgres
              ? sql<boolean>`messages.id = any(${chunk})`
              : sql<boolean>`messages.id in (${sql.join(chunk)})`,
          )
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
  if (options.mailboxId !== undefined && !readsMessages(options)) {
    const messages = await folderPageQuery(db, accountId, {
      ...options,
      mailboxId: options.mailboxId,
    }).execute();
    return { messages, total: await countMatching(db, accountId, options, false) };
  }
  const messages = await filtered(db, accountId, options)
    .select(columns)
    .orderBy(order.received, 'desc')
    .orderBy(order.id, 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return { messages, total: await countMatching(db, accountId, options, false) };
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
  const order = orderColumns(filter);
  const ranked = filtered(db, accountId, filter)
    .select([
      'messages.id as id',
      sql<
        number | string
      >`row_number() over (order by ${sql.ref(order.received)} desc, ${sql.ref(order.id)} desc)`.as(
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
  return { positions, total: await countMatching(db, accountId, filter, false) };
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
