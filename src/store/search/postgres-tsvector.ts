/**
 * SearchIndex on PostgreSQL full-text search (tsvector, GIN).
 *
 * Implementation notes
 * - Layout, single instance: `search_body` holds, once per body key (blob id), five tsvectors
 *   (subject, from, to, body, attachments) and their concatenation `all_tsv`; `search_document
 *   (account_id, message_id, received_at, body_key)`, one small row per account's message, says who
 *   may find it. A broadcast to 10 000 accounts adds one set of vectors and 10 000 small rows. The
 *   vectors are maintained by the INSERT rather than generated: a generated column would need the
 *   source text stored beside it, a second copy of every body that nothing reads.
 * - One GIN index, on `all_tsv`: a single column gives the planner word statistics (most common
 *   elements), so it can tell a rare word (GIN first, then the accounts' rows) from a common one
 *   (the account's newest rows first, stopping at LIMIT); an OR over five columns of a multicolumn
 *   GIN index it costed as a full scan, 440 ms for a rare word at 100 000 messages. The per-field
 *   vectors stay for field criteria and so that a phrase never matches across two fields.
 * - The primary key and (account_id, received_at desc, message_id desc) serve the account filter
 *   and the order; (body_key, account_id) serves the join from matching texts to an account's rows.
 * - Text search configuration `facteur_search`: a copy of `simple` (lower case, no stop words, no
 *   stemming) with `unaccent` in front for words. No French stemming: mail search is mostly names,
 *   addresses and exact words; SQLite has no French stemmer, and the two back ends must agree.
 *   search-text.ts already folds case, accents and ligatures before the text gets here, so for our
 *   own writes unaccent is a second line of defence; it is kept so that the configuration stays
 *   accent-insensitive for anything indexed with it directly.
 * - `unaccent` is an extension. Since PostgreSQL 13 it is trusted (a database owner may create it);
 *   when it is missing and cannot be created, ensureSchema fails with the SQL to run. It is installed
 *   in `public` when that schema exists: an extension belongs to one schema per database, and
 *   installing it in a dropped-with-cascade tenant or test schema would take the configuration of
 *   every other schema down with it.
 * - Concurrent starts: ensureSchema runs in one transaction under a transaction-level advisory lock,
 *   since CREATE EXTENSION and CREATE TEXT SEARCH CONFIGURATION have no race-free IF NOT EXISTS.
 * - Queries: each term becomes `phraseto_tsquery('facteur_search', 'w1 w2')` (a single word is a
 *   one-lexeme query) with the folded words as a bound parameter, never `to_tsquery` on user text,
 *   whose operators (`&`, `|`, `!`, `<->`, `:*`) would then be interpreted.
 * - Known difference: tsvector positions stop at 16 383, so a phrase beyond the 16 383rd word of a
 *   body matches on SQLite but not here. Single words match at any position.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
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

/** Rows per INSERT: 8 parameters each stays far below the 65 535-parameter limit. */
const MAX_ROWS_PER_INSERT = 500;
/** Characters per INSERT, so a batch of 1 MiB bodies does not build a statement of hundreds of MiB. */
const MAX_CHARS_PER_INSERT = 8 * 1_048_576;
const SCHEMA_LOCK = 'facteur.search.ensure_schema';
const UNACCENT_HELP =
  'Run as a superuser (or the database owner) on this database: CREATE EXTENSION unaccent; ' +
  '(it ships with the PostgreSQL server packages; some distributions put it in postgresql-contrib).';

const TSVECTOR_COLUMN: Readonly<Record<SearchColumn, string>> = {
  subject: 'subject_tsv',
  from: 'from_tsv',
  to: 'to_tsv',
  body: 'body_tsv',
  attachments: 'attachments_tsv',
};
const ALL_COLUMNS = Object.values(TSVECTOR_COLUMN);

/** A SearchIndex over the PostgreSQL database behind `database` (any Kysely on a PostgresDialect). */
export function createPostgresSearchIndex<DB>(database: Kysely<DB>): SearchIndex {
  const db = database as unknown as Kysely<unknown>;
  async function indexMany(docs: SearchDocument[], within?: SearchExecutor): Promise<void> {
    const batch = prepareBatch(docs);
    if (batch.entries.length === 0) return;
    if (within) await writeBatch(within, batch);
    else await db.transaction().execute((trx) => writeBatch(trx, batch));
  }
  return {
    async ensureSchema() {
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${SCHEMA_LOCK}))`.execute(trx);
        const unaccentSchema = await ensureUnaccent(trx);
        await ensureConfiguration(trx, unaccentSchema);
        const version = await existingSchemaVersion(trx);
        if (version !== undefined && version < SEARCH_SCHEMA_VERSION) {
          await sql`drop table if exists search_document, search_body cascade`.execute(trx);
        }
        await sql`
          create table if not exists search_body (
            body_key text collate "C" primary key,
            subject_tsv tsvector not null,
            from_tsv tsvector not null,
            to_tsv tsvector not null,
            body_tsv tsvector not null,
            attachments_tsv tsvector not null,
            all_tsv tsvector not null
          )
        `.execute(trx);
        await sql`create index if not exists search_body_all_idx on search_body using gin (all_tsv)`.execute(
          trx,
        );
        await sql`
          create table if not exists search_document (
            account_id text not null,
            message_id text collate "C" not null,
            received_at bigint not null,
            body_key text collate "C" not null,
            primary key (account_id, message_id)
          )
        `.execute(trx);
        await sql`
          create index if not exists search_document_received_idx
          on search_document (account_id, received_at desc, message_id desc)
        `.execute(trx);
        await sql`
          create index if not exists search_document_body_idx on search_document (body_key, account_id)
        `.execute(trx);
        await recordSchemaVersion(trx);
        return { created: version !== SEARCH_SCHEMA_VERSION };
      });
    },

    index: (doc, within) => indexMany([doc], within),
    indexMany,

    async remove(accountId: string, messageIds: string[]) {
      if (messageIds.length === 0) return;
      await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ body_key: string }>`
          delete from search_document where account_id = ${accountId} and message_id = any(${messageIds}::text[])
          returning body_key
        `.execute(trx);
        const keys = [...new Set(rows.map((row) => row.body_key))];
        if (keys.length === 0) return;
        // A separate statement: within one WITH, NOT EXISTS would still see the rows just deleted.
        await sql`
          delete from search_body b where b.body_key = any(${keys}::text[])
          and not exists (select 1 from search_document d where d.body_key = b.body_key)
        `.execute(trx);
      });
    },

    async search(query: SearchQuery) {
      const compiled = compileQuery(query);
      if (compiled.kind === 'empty') return [];
      const { accountId, terms, messageIds, limit } = compiled;
      const conditions = [
        sql`d.account_id = ${accountId}`,
        ...terms.map(termCondition),
        ...(messageIds === undefined ? [] : [sql`d.message_id = any(${messageIds}::text[])`]),
      ];
      const { rows } = await sql<{ message_id: string }>`
        select d.message_id from search_document d
        ${terms.length === 0 ? sql`` : sql`join search_body b on b.body_key = d.body_key`}
        where ${sql.join(conditions, sql` and `)}
        order by d.received_at desc, d.message_id desc
        limit ${limit}
      `.execute(db);
      return rows.map((row) => row.message_id);
    },
  };
}

async function writeBatch(trx: Kysely<unknown>, batch: PreparedBatch): Promise<void> {
  const keys = [...batch.texts.keys()];
  const { rows } = await sql<{ body_key: string }>`
    select body_key from search_body where body_key = any(${keys}::text[])
  `.execute(trx);
  const known = new Set(rows.map((row) => row.body_key));
  const missing: [string, PreparedText][] = [];
  for (const [key, text] of batch.texts) if (!known.has(key)) missing.push([key, text()]);
  for (const chunk of chunked(missing, ([, text]) => textChars(text))) await insertBodies(trx, chunk);
  for (const chunk of chunked(batch.entries, () => 0)) {
    const values = chunk.map(
      (entry) => sql`(${entry.accountId}, ${entry.messageId}, ${entry.receivedAt}, ${entry.bodyKey})`,
    );
    await sql`
      insert into search_document (account_id, message_id, received_at, body_key)
      values ${sql.join(values)}
      on conflict (account_id, message_id) do update set
        received_at = excluded.received_at, body_key = excluded.body_key
    `.execute(trx);
  }
}

/** Splits rows into INSERT-sized chunks: MAX_ROWS_PER_INSERT rows, MAX_CHARS_PER_INSERT characters. */
function chunked<T>(rows: T[], charsOf: (row: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const row of rows) {
    const rowChars = charsOf(row);
    if (
      current.length > 0 &&
      (current.length >= MAX_ROWS_PER_INSERT || chars + rowChars > MAX_CHARS_PER_INSERT)
    ) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(row);
    chars += rowChars;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function textChars(text: PreparedText): number {
  return text.subject.length + text.from.length + text.to.length + text.body.length + text.attachments.length;
}

async function insertBodies(db: Kysely<unknown>, bodies: [string, PreparedText][]): Promise<void> {
  const vector = (text: string) => sql`to_tsvector('facteur_search', ${text})`;
  const rows = bodies.map(
    ([key, text]) =>
      sql`(${key}, ${vector(text.subject)}, ${vector(text.from)}, ${vector(text.to)}, ${vector(text.body)},
        ${vector(text.attachments)})`,
  );
  // Another transaction may index the same body at the same moment: the first one's vectors stay.
  await sql`
    insert into search_body (body_key, subject_tsv, from_tsv, to_tsv, body_tsv, attachments_tsv, all_tsv)
    select body_key, s, f, t, b, a, s || f || t || b || a
    from (values ${sql.join(rows)}) as v (body_key, s, f, t, b, a)
    on conflict (body_key) do nothing
  `.execute(db);
}

/**
 * `all_tsv @@ phrase` (what the GIN index answers) and the same on the field(s) the term names: the
 * concatenated vector would also match a phrase running from one field into the next, which the
 * per-field condition rules out.
 */
function termCondition(term: SearchTerm): RawBuilder<unknown> {
  const query = sql`phraseto_tsquery('facteur_search', ${term.words.join(' ')})`;
  const columns = term.column === 'any' ? ALL_COLUMNS : [TSVECTOR_COLUMN[term.column]];
  return sql`(b.all_tsv @@ ${query} and (${sql.join(
    columns.map((column) => sql`${sql.ref(`b.${column}`)} @@ ${query}`),
    sql` or `,
  )}))`;
}

/**
 * The schema holding the `unaccent` extension, installing it when missing.
 * @throws ServerError `search.unaccent_missing` with the SQL an administrator must run.
 */
async function ensureUnaccent(trx: Kysely<unknown>): Promise<string> {
  const found = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'unaccent'
  `.execute(trx);
  const existing = found.rows[0]?.schema;
  if (existing !== undefined) return existing;
  const target = await sql<{ schema: string | null }>`
    select coalesce((select nspname from pg_namespace where nspname = 'public'), current_schema()) as schema
  `.execute(trx);
  const schema = target.rows[0]?.schema;
  try {
    if (schema === null || schema === undefined) throw new Error('no schema to install unaccent into');
    await sql`create extension if not exists unaccent with schema ${sql.id(schema)}`.execute(trx);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ServerError(
      'search.unaccent_missing',
      `PostgreSQL extension "unaccent" is missing and could not be created (${reason}). ${UNACCENT_HELP}`,
      {},
      { cause: err },
    );
  }
  return schema;
}

/** Creates `facteur_search` in the current schema unless it exists. */
async function ensureConfiguration(trx: Kysely<unknown>, unaccentSchema: string): Promise<void> {
  const { rows } = await sql`
    select 1 from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace
    where c.cfgname = 'facteur_search' and n.nspname = current_schema()
  `.execute(trx);
  if (rows.length > 0) return;
  await sql`create text search configuration facteur_search (copy = pg_catalog.simple)`.execute(trx);
  // Every word-like token type of the default parser; numbers and the rest keep plain `simple`.
  await sql`
    alter text search configuration facteur_search
    alter mapping for asciiword, word, numword, asciihword, hword, numhword,
      hword_asciipart, hword_part, hword_numpart
    with ${sql.id(unaccentSchema, 'unaccent')}, pg_catalog.simple
  `.execute(trx);
}
