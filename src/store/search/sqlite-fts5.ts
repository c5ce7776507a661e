/**
 * SearchIndex on SQLite FTS5.
 *
 * Implementation notes
 * - Layout: a plain table `search_document (id integer primary key, account_id, message_id,
 *   received_at)` with UNIQUE (account_id, message_id), and a contentless FTS5 table `search_text`
 *   whose rowid is `search_document.id`. Why not one FTS5 table with UNINDEXED id columns: FTS5 has
 *   no index on UNINDEXED columns, so replacing or removing a message by (account, message id) would
 *   scan every row, and a content FTS5 table would keep a second copy of each body (up to 1 MiB)
 *   that nothing reads. Contentless with `contentless_delete=1` (SQLite ≥ 3.43) stores only the
 *   inverted index and still supports DELETE and INSERT OR REPLACE by rowid.
 * - Tenant isolation: the account filter is a join condition on `search_document.account_id`,
 *   always present in SQL. The MATCH expression is built here from folded words only (letters and
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
import { checkSchemaVersion } from './schema-version.js';
import type { SearchDocument, SearchIndex, SearchQuery } from './search-index.js';
import {
  compileQuery,
  type PreparedDocument,
  prepareBatch,
  prepareDocument,
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

/** A SearchIndex over the SQLite database behind `database` (any Kysely on a SqliteDialect). */
export function createSqliteSearchIndex<DB>(database: Kysely<DB>): SearchIndex {
  const db = database as unknown as Kysely<unknown>;
  return {
    async ensureSchema() {
      await requireSqliteVersion(db);
      await db.transaction().execute(async (trx) => {
        await sql`
          create table if not exists search_document (
            id integer primary key,
            account_id text not null,
            message_id text not null,
            received_at integer not null,
            unique (account_id, message_id)
          )
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
        await checkSchemaVersion(trx);
      });
    },

    async index(doc: SearchDocument) {
      const prepared = prepareDocument(doc);
      await db.transaction().execute((trx) => writeDocument(trx, prepared));
    },

    async indexMany(docs: SearchDocument[]) {
      const batch = prepareBatch(docs);
      if (batch.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const prepared of batch) await writeDocument(trx, prepared);
      });
    },

    async remove(accountId: string, messageIds: string[]) {
      if (messageIds.length === 0) return;
      const ids = JSON.stringify(messageIds);
      await db.transaction().execute(async (trx) => {
        await sql`
          delete from search_text where rowid in (
            select id from search_document
            where account_id = ${accountId} and message_id in (select value from json_each(${ids}))
          )
        `.execute(trx);
        await sql`
          delete from search_document
          where account_id = ${accountId} and message_id in (select value from json_each(${ids}))
        `.execute(trx);
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
          : await sql<{ message_id: string }>`
              select d.message_id from search_text
              join search_document d on d.id = search_text.rowid
              where search_text match ${matchExpression(terms)} and d.account_id = ${accountId} ${onlyIds}
              order by d.received_at desc, d.message_id desc
              limit ${limit}
            `.execute(db);
      return rows.map((row) => row.message_id);
    },
  };
}

async function writeDocument(trx: Kysely<unknown>, doc: PreparedDocument): Promise<void> {
  const { rows } = await sql<{ id: number }>`
    insert into search_document (account_id, message_id, received_at)
    values (${doc.accountId}, ${doc.messageId}, ${doc.receivedAt})
    on conflict (account_id, message_id) do update set received_at = excluded.received_at
    returning id
  `.execute(trx);
  const id = rows[0]?.id;
  if (id === undefined) throw new ServerError('search.write_failed', 'upsert returned no row id');
  await sql`
    insert or replace into search_text (rowid, subject, sender, recipients, body, attachments)
    values (${id}, ${doc.subject}, ${doc.from}, ${doc.to}, ${doc.body}, ${doc.attachments})
  `.execute(trx);
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
