/**
 * Opening the SQL database: SQLite (one file) or PostgreSQL (a pool), migrated to the latest schema.
 *
 * Implementation notes
 * - Durability: a message acknowledged with 250 or APPEND OK must survive a power cut, so SQLite runs
 *   with `synchronous = FULL` (WAL + NORMAL may lose the last transactions on power loss).
 * - `busy_timeout` lets the CLI and the server share the file: a writer waits for the other's write
 *   transaction instead of failing at once. `foreign_keys` is off by default in SQLite and is per
 *   connection, so it is set here, on the only connection.
 * - PostgreSQL `bigint` (OID 20) arrives as a string by default; every instant and size is a `bigint`,
 *   so this pool parses it to a number. All such values (milliseconds, bytes, counts) stay far below
 *   2^53, where the conversion is exact. The parser is per pool: the global `pg.types` would change
 *   the behaviour of every other pg user in the process.
 * - A dedicated schema (tests, several instances on one server) is created if missing and put alone
 *   on every connection's search_path, so an unqualified table never resolves to another schema;
 *   introspection (the migrator's) reads that schema only (current-schema-introspector.ts).
 * - Nothing here is chosen at import time: the composition root calls `openDatabase` with its config.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { CurrentSchemaPostgresDialect } from './current-schema-introspector.js';
import type { SqlDialect } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database as Schema } from './schema.js';
import { withStatementCache } from './statement-cache.js';

const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const POSTGRES_INT8_OID = 20;
/** PostgreSQL identifiers are at most 63 bytes; lower-case ASCII needs no quoting in `-c search_path`. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const POSTGRES_DUPLICATE_SCHEMA = '42P06';
const POSTGRES_UNIQUE_VIOLATION = '23505';

export type OpenDatabaseOptions =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'postgres';
      url: string;
      /** Schema holding Facteur's tables; lower-case letters, digits and `_`. */
      schema?: string;
      /**
       * Errors of idle pooled connections (server restart, network cut). The pool already discards the
       * broken connection; this is for logging. Without it a process warning is emitted.
       */
      onConnectionError?: (error: Error) => void;
    };

export interface SqlStore {
  db: Kysely<Schema>;
  dialect: SqlDialect;
  /** Closes the connection or pool. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the database and runs pending migrations.
 * @throws if the database cannot be reached, the schema name is invalid, or a migration fails.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<SqlStore> {
  const store = options.kind === 'sqlite' ? openSqlite(options.file) : await openPostgres(options);
  try {
    await migrateToLatest(store.db, {
      dialect: store.dialect,
      ...(options.kind === 'postgres' && options.schema !== undefined ? { schema: options.schema } : {}),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** SQLite page cache, KiB. */
const SQLITE_CACHE_KIB = 64 * 1024;

function openSqlite(file: string): SqlStore {
  const database = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // 64 MiB of pages kept in the process (SQLite's default is 2 MiB): an IMAP FETCH of a thousand
    // envelopes touches a thousand scattered pages of message_bodies and messages, which otherwise
    // come back from the OS at every listing of a large mailbox.
    database.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
  } catch (err) {
    database.close();
    throw err;
  }
  return wrap(
    new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
    'sqlite',
  );
}

async function openPostgres(options: Extract<OpenDatabaseOptions, { kind: 'postgres' }>): Promise<SqlStore> {
  const { url, schema } = options;
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) throw new RangeError(`invalid PostgreSQL schema name: ${schema}`);
    await createSchemaIfMissing(url, schema);
  }
  const pool = new pg.Pool({
    connectionString: url,
    types: { getTypeParser: parserFor as pg.CustomTypesConfig['getTypeParser'] },
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const onConnectionError =
    options.onConnectionError ??
    ((error: Error) => process.emitWarning(`PostgreSQL pool connection error: ${error.message}`));
  pool.on('error', onConnectionError);
  return wrap(new Kysely<Schema>({ dialect: new CurrentSchemaPostgresDialect({ pool }) }), 'postgres');
}

function parserFor(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === POSTGRES_INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format);
}

async function createSchemaIfMissing(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
  } catch (err) {
    // Two processes creating the schema at once: `if not exists` does not cover the race.
    const code = (err as { code?: unknown }).code;
    if (code !== POSTGRES_DUPLICATE_SCHEMA && code !== POSTGRES_UNIQUE_VIOLATION) throw err;
  } finally {
    await client.end();
  }
}

function wrap(db: Kysely<Schema>, dialect: SqlDialect): SqlStore {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
