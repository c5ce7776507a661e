import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMigrations, migrateToLatest, openDatabase, type SqlStore } from '../../src/store/sql/index.js';
import {
  dropSchema,
  freshPostgresTarget,
  openTestDatabase,
  type TestSqlStore,
  testBackends,
} from '../helpers/database.js';

/** Every migration this build knows, in order: a new migration is added here too. */
const ALL_MIGRATIONS = [
  '0001-directory',
  '0002-mail',
  '0003-outbound-queue',
  '0004-dkim-keys',
  '0005-base-subject-index',
  '0006-compose',
  '0007-vacation',
  '0008-identities',
  '0009-mailbox-received',
  '0010-app-passwords',
  '0011-submission-changes',
  '0012-announcements',
  '0013-known-devices',
  '0014-second-factors',
  '0015-pending-sign-ins',
  '0016-password-resets',
  '0017-passkeys',
];

const EXPECTED_TABLES = [
  'accounts',
  'aliases',
  'audit_log',
  'domains',
  'establishments',
  'organisations',
  'profiles',
  'sessions',
];

async function migrationNames(store: SqlStore): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    store.db,
  );
  return result.rows.map((row) => row.name);
}

describe.each(testBackends())('migrations on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  it('creates every table of the schema', async () => {
    // Only this store's schema: others (tests running at the same time) are never read.
    const tables = await store.db.introspection.getTables();
    expect(
      tables.every((table) => table.schema === undefined || table.schema === store.migrateOptions.schema),
    ).toBe(true);
    const names = tables.filter((table) => EXPECTED_TABLES.includes(table.name)).map((table) => table.name);
    expect(names.sort()).toEqual(EXPECTED_TABLES);
  });

  it('records each migration once, in order', async () => {
    expect(await migrationNames(store)).toEqual(Object.keys(listMigrations(backend)));
    expect(await migrationNames(store)).toEqual(ALL_MIGRATIONS);
  });

  it('applies nothing when migrating an up-to-date database again', async () => {
    expect(await migrateToLatest(store.db, store.migrateOptions)).toEqual([]);
    expect(await migrateToLatest(store.db, store.migrateOptions)).toEqual([]);
    expect(await migrationNames(store)).toEqual(ALL_MIGRATIONS);
  });

  it('reopens an existing database without migrating it again', async () => {
    const again = await store.openAgain();
    try {
      expect(await migrationNames(again)).toEqual(ALL_MIGRATIONS);
    } finally {
      await again.close();
    }
  });

  it('lets several stores open one database concurrently and migrates it once', async () => {
    const stores = await Promise.all([store.openAgain(), store.openAgain(), store.openAgain()]);
    try {
      for (const other of stores) expect(await migrationNames(other)).toEqual(ALL_MIGRATIONS);
    } finally {
      await Promise.all(stores.map((other) => other.close()));
    }
  });
});

describe.runIf(testBackends().includes('postgres'))('migrations of a new PostgreSQL schema', () => {
  it('creates the schema and migrates it once when several processes start at the same time', async () => {
    const { url, schema } = freshPostgresTarget();
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ kind: 'postgres', url, schema })),
      );
      try {
        for (const other of stores) expect(await migrationNames(other)).toEqual(ALL_MIGRATIONS);
        const result = await sql<{ schemaname: string }>`
          select schemaname from pg_tables where tablename = 'accounts' and schemaname = ${schema}`.execute(
          stores[0]?.db ?? expect.unreachable(),
        );
        expect(result.rows).toEqual([{ schemaname: schema }]);
      } finally {
        await Promise.all(stores.map((other) => other.close()));
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('refuses a schema name that would need quoting', async () => {
    const { url } = freshPostgresTarget();
    await expect(openDatabase({ kind: 'postgres', url, schema: 'Bad-Name' })).rejects.toThrow(RangeError);
  });
});

describe('SQLite connection settings', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'facteur-sqlite-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with synchronous FULL, foreign keys on and a 5 s busy timeout', async () => {
    const store = await openDatabase({ kind: 'sqlite', file: join(dir, 'facteur.sqlite') });
    try {
      const pragma = async (name: string) =>
        (await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(store.db)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('synchronous')).toEqual({ synchronous: 2 });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
    } finally {
      await store.close();
    }
  });

  it('creates and migrates a new file once when several stores open it at the same time', async () => {
    const file = join(dir, 'facteur.sqlite');
    const stores = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ kind: 'sqlite', file })));
    try {
      for (const store of stores) expect(await migrationNames(store)).toEqual(ALL_MIGRATIONS);
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(
        stores[0]?.db ?? expect.unreachable(),
      );
      expect(busy.rows).toEqual([{ timeout: 5000 }]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe.runIf(testBackends().includes('postgres'))('PostgreSQL bigint parsing', () => {
  it('parses bigint to a number in the store without changing the global pg parser', async () => {
    const store = await openTestDatabase('postgres');
    try {
      const result = await sql<{ n: number }>`select ${sql.lit(2 ** 40)}::bigint as n`.execute(store.db);
      expect(result.rows).toEqual([{ n: 2 ** 40 }]);
      expect(pg.types.getTypeParser(20, 'text')('12')).toBe('12');
    } finally {
      await store.close();
    }
  });
});
