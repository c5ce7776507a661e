/**
 * The version of the search tables, kept beside them in `search_meta`.
 *
 * Implementation notes
 * - The search tables are created by `ensureSchema()`, not by the numbered SQL migrations, so they
 *   carry their own version: a later change (a new tokenizer, a new column) bumps it; tables of an
 *   older version are dropped and created anew, empty, and `ensureSchema` says so, so that the
 *   caller re-indexes the store (the index is derived data, rebuilt from the messages). An older
 *   Facteur refuses tables a newer one wrote instead of misreading them.
 * - The same SQL runs on SQLite and PostgreSQL; it is called inside the caller's transaction.
 */
import { type Kysely, sql } from 'kysely';
import { ServerError } from '../../lib/errors/index.js';

/** Bump when the layout or the text preparation changes. */
export const SEARCH_SCHEMA_VERSION = 3;

/**
 * The version the tables carry, or undefined when there are none yet.
 * @throws ServerError `search.schema_version` when a newer Facteur created the tables.
 */
export async function existingSchemaVersion(db: Kysely<unknown>): Promise<number | undefined> {
  await sql`create table if not exists search_meta (name text primary key, value text not null)`.execute(db);
  const { rows } = await sql<{ value: string }>`
    select value from search_meta where name = 'schema_version'
  `.execute(db);
  if (rows[0] === undefined) return undefined;
  const found = Number(rows[0].value);
  if (!(found <= SEARCH_SCHEMA_VERSION)) {
    throw new ServerError(
      'search.schema_version',
      `the search index has schema version ${rows[0].value}, this Facteur knows ${SEARCH_SCHEMA_VERSION}`,
      { found: rows[0].value, expected: SEARCH_SCHEMA_VERSION },
    );
  }
  return found;
}

/** Records SEARCH_SCHEMA_VERSION once the tables of this version exist. */
export async function recordSchemaVersion(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into search_meta (name, value) values ('schema_version', ${String(SEARCH_SCHEMA_VERSION)})
    on conflict (name) do update set value = excluded.value
  `.execute(db);
}
