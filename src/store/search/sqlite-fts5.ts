/**
 * SearchIndex on SQLite FTS5.
 *
 * Implementation notes
 * - Layout, single instance: the text of a body is indexed once, however many accounts hold it.
 *   `search_body (id integer primary key, body_key unique)` names each indexed text; the contentless
 *   FTS5 table `search_text` holds its words under rowid = `search_body.id`; and
 *   `search_document (account_id, message_id, received_at, body_id)`, one small row per account's
 *   message, says who may find it. A broadcast to 10 000 accounts adds one text and 10 000 rows of
 *   about 300 bytes (with their indexes), not 10 000 copies of the words.
 * - Why a contentless FTS5 table and not one with UNINDEXED id columns: FTS5 has no index on
 *   UNINDEXED columns, so finding a body by key would scan every row, and a content table would keep
 *   a second copy of each body (up to 1 MiB) that nothing reads. `contentless_delete=1` (SQLite
 *   ≥ 3.43) stores only the inverted index and still supports DELETE by rowid.
 * - Tenant isolation: the account filter is a condition on `search_document.account_id`, always
 *   present in SQL; a shared text is reachable only through an account's own document row. The MATCH expression is built here from folded words only (letters and
 *   digits, see search-text.ts), each inside a double-quoted FTS5 string, so no user character can
 *   reach FTS5's query syntax (`AND`, `NEAR(`, `*`, `col:`, `^`, quotes).
 * - Columns: `sender` and `recipients` rather than `from`/`to`, which are SQL keywords.
 * - Tokenizer `unicode61 remove_diacritics 2`: the text is already folded by search-text.ts, so the
 *   tokenizer only splits on spaces; its folding is a no-op kept so that the index stays
 *   accent-insensitive even for text that did not go through search-text.ts.
 * - Message ids of a query (`messageIds`) travel as one JSON parameter read with `json_each`, so
 *   a mailbox of 100 000 messages does not hit SQLite's bound-parameter limit.
 */
import { type Kysely, sql } from 'kysely';
import { ServerError } from '../../lib/errors/index.js';
import { existingSchemaVersion, recordSchemaVersion, SEARCH_SCHEMA_VERSION } from './schema-version.js';
import type { SearchDocument, SearchExecutor, SearchIndex, SearchQuery } from './search-index.js';
import {
  compileQuery,
  type PreparedBatch,
  type PreparedText,
  prepareBatch,
  type SearchColumn,
  type SearchTerm,
} from './search-text.js';

/** `contentless_delete` appeared in SQLite 3.43.0. */
const MIN_SQLITE_VERSION = [3, 43, 0] as const;

const FTS_COLUMN: Readonly<Record<SearchColumn, string>> = {
  subject: 'subject',
  from: 'sender',
  to: 'recipients',
  body: 'body',
  attachments: 'attachments',
};

/**
 * A SearchIndex over the SQLite database behind `database` (any Kysely on a SqliteDialect).
 * `textFirstMaxMatches`: see textSearch (tests lower it to run both plans).
 */
export function createSqliteSearchIndex<DB>(
  database: Kysely<DB>,
  textFirstMaxMatches = TEXT_FIRST_MAX_MATCHES,
): SearchIndex {
  const db = database as unknown as Kysely<unknown>;
  async function indexMany(docs: SearchDocument[], within?: SearchExecutor): Promise<void> {
    const batch = prepareBatch(docs);
    if (batch.entries.length === 0) return;
    if (within) await writeBatch(within, batch);
    else await db.transaction().execute((trx) => writeBatch(trx, batch));
  }
  return {
    async ensureSchema() {
      await requireSqliteVersion(db);
      return db.transaction().execute(async (trx) => {
        const version = await existingSchemaVersion(trx);
        if (version !== undefined && version < SEARCH_SCHEMA_VERSION) {
          for (const table of ['search_text', 'search_document', 'search_body']) {
            await sql`drop table if exists ${sql.table(table)}`.execute(trx);
          }
        }
        await sql`
          create table if not exists search_body (
            id integer primary key,
            body_key text not null unique
          )
        `.execute(trx);
        await sql`
          create table if not exists search_document (
            account_id text not null,
            message_id text not null,
            received_at integer not null,
            body_id integer not null,
            primary key (account_id, message_id)
          ) without rowid
        `.execute(trx);
        // Covering for the search join (body → account, date; the primary key columns come with it):
        // one probe per matching text instead of two. Replaces the plain body_id index of before.
        await sql`drop index if exists search_document_body_idx`.execute(trx);
        await sql`
          create index if not exists search_document_body_account_idx
          on search_document (body_id, account_id, received_at)
        `.execute(trx);
        await sql`
          create index if not exists search_document_received_idx
          on search_document (account_id, received_at desc, message_id desc)
        `.execute(trx);
        await sql`
          create virtual table if not exists search_text using fts5(
            subject, sender, recipients, body, attachments,
            content = '', contentless_delete = 1,
            tokenize = 'unicode61 remove_diacritics 2'
          )
        `.execute(trx);
        await recordSchemaVersion(trx);
        return { created: version !== SEARCH_SCHEMA_VERSION };
      });
    },

    index: (doc, within) => indexMany([doc], within),
    indexMany,

    async remove(accountId: string, messageIds: string[]) {
      if (messageIds.length === 0) return;
      const ids = JSON.stringify(messageIds);
      await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ body_id: number }>`
          delete from search_document
          where account_id = ${accountId} and message_id in (select value from json_each(${ids}))
          returning body_id
        `.execute(trx);
        const bodies = JSON.stringify([...new Set(rows.map((row) => row.body_id))]);
        // Texts nobody can find any more: those of the removed rows that no other row names.
        const orphans = sql`
          select value from json_each(${bodies})
          where not exists (select 1 from search_document where body_id = value)
        `;
        await sql`delete from search_text where rowid in (${orphans})`.execute(trx);
        await sql`delete from search_body where id in (${orphans})`.execute(trx);
      });
    },

    async search(query: SearchQuery) {
      const compiled = compileQuery(query);
      if (compiled.kind === 'empty') return [];
      const { accountId, terms, messageIds, limit } = compiled;
      const onlyIds =
        messageIds === undefined
          ? sql``
          : sql`and d.message_id in (select value from json_each(${JSON.stringify(messageIds)}))`;
      const { rows } =
        terms.length === 0
          ? await sql<{ message_id: string }>`
              select d.message_id from search_document d
              where d.account_id = ${accountId} ${onlyIds}
              order by d.received_at desc, d.message_id desc
              limit ${limit}
            `.execute(db)
          : await textSearch(db, textFirstMaxMatches, matchExpression(terms), accountId, onlyIds, limit);
      return rows.map((row) => row.message_id);
    },
  };
}

/**
 * Most indexed texts (of the whole index, all accounts) a word may match for the search to start
 * from the word's texts; past it, from the account's documents.
 */
const TEXT_FIRST_MAX_MATCHES = 200_000;

/**
 * Which side a text search starts from, chosen per query by counting the word's texts (bounded):
 * from the word's texts when they are few enough (each joins the account's documents through the
 * body index: microseconds each); else from the account's documents, newest first, each probing
 * the index (bounded by the mailbox, not by the tenant). SQLite's planner has no statistics on
 * FTS5 and picked the second always: 1.4 s for a rare word in a 100 000-message mailbox, against
 * 0.1 ms the other way round.
 */
async function textSearch(
  db: Kysely<unknown>,
  textFirstMaxMatches: number,
  match: string,
  accountId: string,
  onlyIds: ReturnType<typeof sql>,
  limit: number,
): Promise<{ rows: { message_id: string }[] }> {
  const { rows: counted } = await sql<{ n: number }>`
    select count(*) as n from (select rowid from search_text where search_text match ${match}
    limit ${textFirstMaxMatches + 1})
  `.execute(db);
  if ((counted[0]?.n ?? 0) <= textFirstMaxMatches) {
    // CROSS JOIN: SQLite keeps this order (the texts first).
    return sql<{ message_id: string }>`
      select d.message_id from search_text
      cross join search_document d on d.body_id = search_text.rowid
      where search_text match ${match} and d.account_id = ${accountId} ${onlyIds}
      order by d.received_at desc, d.message_id desc
      limit ${limit}
    `.execute(db);
  }
  return sql<{ message_id: string }>`
    select d.message_id from search_document d
    cross join search_text on search_text.rowid = d.body_id
    where search_text match ${match} and d.account_id = ${accountId} ${onlyIds}
    order by d.received_at desc, d.message_id desc
    limit ${limit}
  `.execute(db);
}

async function writeBatch(trx: Kysely<unknown>, batch: PreparedBatch): Promise<void> {
  const bodyIds = new Map<string, number>();
  for (const [key, text] of batch.texts) bodyIds.set(key, await ensureBody(trx, key, text));
  for (const entry of batch.entries) {
    await sql`
      insert into search_document (account_id, message_id, received_at, body_id)
      values (${entry.accountId}, ${entry.messageId}, ${entry.receivedAt}, ${bodyIds.get(entry.bodyKey)})
      on conflict (account_id, message_id) do update set
        received_at = excluded.received_at, body_id = excluded.body_id
    `.execute(trx);
  }
}

/** The id of the body's indexed text, indexing it first when it is new. */
async function ensureBody(trx: Kysely<unknown>, key: string, text: () => PreparedText): Promise<number> {
  const found = await sql<{ id: number }>`select id from search_body where body_key = ${key}`.execute(trx);
  const existing = found.rows[0]?.id;
  if (existing !== undefined) return existing;
  const { rows } = await sql<{ id: number }>`
    insert into search_body (body_key) values (${key}) returning id
  `.execute(trx);
  const id = rows[0]?.id;
  if (id === undefined) throw new ServerError('search.write_failed', 'insert returned no row id');
  const words = text();
  await sql`
    insert into search_text (rowid, subject, sender, recipients, body, attachments)
    values (${id}, ${words.subject}, ${words.from}, ${words.to}, ${words.body}, ${words.attachments})
  `.execute(trx);
  return id;
}

/** `"w1 w2" AND sender : "w3"`: every term a quoted FTS5 phrase, optionally behind a column filter. */
function matchExpression(terms: SearchTerm[]): string {
  return terms
    .map((term) => {
      // Words hold only letters and digits; doubling quotes keeps the string closed regardless.
      const phrase = `"${term.words.join(' ').replaceAll('"', '""')}"`;
      return term.column === 'any' ? phrase : `${FTS_COLUMN[term.column]} : ${phrase}`;
    })
    .join(' AND ');
}

async function requireSqliteVersion(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ version: string }>`select sqlite_version() as version`.execute(db);
  const version = rows[0]?.version ?? '0';
  const parts = version.split('.').map(Number);
  for (const [index, minimum] of MIN_SQLITE_VERSION.entries()) {
    const part = parts[index] ?? 0;
    if (part > minimum) return;
    if (part < minimum) {
      throw new ServerError(
        'search.sqlite_too_old',
        `full-text search needs SQLite ${MIN_SQLITE_VERSION.join('.')} or later (FTS5 contentless_delete), found ${version}`,
      );
    }
  }
}
