/**
 * Databases for tests: which backends to run the storage suite on, and fresh isolated stores.
 *
 * Implementation notes
 * - SQLite always runs. PostgreSQL runs when `FACTEUR_TEST_PG_URL` is set, or when the default
 *   `postgres://postgres@127.0.0.1:5432/test` answers. It is required (a failure, not a skip) when
 *   the URL is set explicitly, when `CI=true`, or when `FACTEUR_TEST_DB=postgres`: a CI run that
 *   silently skipped PostgreSQL would prove nothing about it.
 * - `FACTEUR_TEST_DB=sqlite|postgres` narrows the run to one backend.
 * - The probe runs once per test file (top-level await) because `describe.each` needs the list
 *   synchronously at collection time.
 * - Isolation: each store is a new SQLite file in a new temp directory, or a new PostgreSQL schema
 *   `t_<random>`; `close()` deletes it, so tests never see each other's rows and can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type MigrateOptions, openDatabase, type SqlStore } from '../../src/store/sql/index.js';

export type TestBackend = 'sqlite' | 'postgres';

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const PROBE_TIMEOUT_MS = 2_000;

const explicitUrl = process.env.FACTEUR_TEST_PG_URL;
const onlyBackend = process.env.FACTEUR_TEST_DB;
if (onlyBackend !== undefined && onlyBackend !== 'sqlite' && onlyBackend !== 'postgres') {
  throw new Error(`FACTEUR_TEST_DB must be sqlite or postgres, got ${onlyBackend}`);
}
const pgUrl = explicitUrl ?? DEFAULT_PG_URL;
const pgRequired = explicitUrl !== undefined || process.env.CI === 'true' || onlyBackend === 'postgres';
const pgAvailable = onlyBackend === 'sqlite' ? false : await probePostgres(pgUrl, pgRequired);

async function probePostgres(url: string, required: boolean): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if (required) {
      throw new Error(`PostgreSQL is required for this test run but ${redact(url)} does not answer`, {
        cause: err,
      });
    }
    return false;
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** The backends the storage suite runs on in this environment. */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [];
  if (onlyBackend !== 'postgres') backends.push('sqlite');
  if (pgAvailable) backends.push('postgres');
  return backends;
}

export interface TestSqlStore extends SqlStore {
  /** What `migrateToLatest` needs to target this store's tables. */
  migrateOptions: MigrateOptions;
  /** Opens a second store on the same database (runs migrations again); closing it keeps the data. */
  openAgain(): Promise<SqlStore>;
}

/** A migrated, empty, isolated store; `close()` also deletes its file or schema. */
export async function openTestDatabase(kind: TestBackend): Promise<TestSqlStore> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'facteur-sql-'));
    const file = join(dir, 'facteur.sqlite');
    let store: SqlStore;
    try {
      store = await openDatabase({ kind: 'sqlite', file });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      ...store,
      migrateOptions: { dialect: 'sqlite' },
      openAgain: () => openDatabase({ kind: 'sqlite', file }),
      async close() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  if (!pgAvailable) throw new Error('PostgreSQL is not available in this test run');
  const schema = `t_${randomBytes(8).toString('hex')}`;
  let store: SqlStore;
  try {
    store = await openDatabase({ kind: 'postgres', url: pgUrl, schema });
  } catch (err) {
    await dropSchema(schema);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...store,
    migrateOptions: { dialect: 'postgres', schema },
    openAgain: () => openDatabase({ kind: 'postgres', url: pgUrl, schema }),
    close() {
      closing ??= store.close().then(() => dropSchema(schema));
      return closing;
    },
  };
}

/** A fresh schema name and the URL, for tests that open stores themselves. */
export function freshPostgresTarget(): { url: string; schema: string } {
  return { url: pgUrl, schema: `t_${randomBytes(8).toString('hex')}` };
}

/** Drops a test schema and everything in it; dropping an absent schema is not an error. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
