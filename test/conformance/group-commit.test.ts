/**
 * Group commit (store/sql/group-commit.ts) on SQLite and PostgreSQL: concurrent units share one
 * transaction, each gets its own result, and a failing unit fails alone; a commit waits for writers
 * that announced a unit, and only for them.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announceWrite, inGroupCommit, type WriteAnnouncement } from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';

describe.each(testBackends())('group commit on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
    await sql`create table probe (v text not null)`.execute(store.db);
  });
  afterEach(async () => {
    await store.close();
  });

  const insert = (v: string) =>
    inGroupCommit(store.db, async (trx) => {
      await sql`insert into probe (v) values (${v})`.execute(trx);
      return { v, trx };
    });
  const stored = async () =>
    (await sql<{ v: string }>`select v from probe order by v`.execute(store.db)).rows.map((r) => r.v);

  it('runs units queued together in one transaction, each getting its own result', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(insert));
    expect(results.map((r) => r.v)).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(results.map((r) => r.trx)).size).toBe(1);
    expect(await stored()).toEqual(['a', 'b', 'c', 'd']);
    // A later unit gets a transaction of its own.
    const later = await insert('e');
    expect(later.trx).not.toBe(results[0]?.trx);
  });

  it('fails only the unit that throws; the others are committed', async () => {
    const failure = new Error('this unit fails after writing');
    const failing = inGroupCommit(store.db, async (trx) => {
      await sql`insert into probe (v) values ('bad')`.execute(trx);
      throw failure;
    });
    const outcomes = await Promise.allSettled([insert('before'), failing, insert('after')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(failure);
    expect(await stored()).toEqual(['after', 'before']);
  });

  it('keeps every unit of a long burst, in later commits when one is running', async () => {
    const values = Array.from({ length: 150 }, (_, i) => `v${String(i).padStart(3, '0')}`);
    const results = await Promise.all(values.map(insert));
    expect(results.map((r) => r.v)).toEqual(values);
    // More units than one commit takes: at least two transactions were used.
    expect(new Set(results.map((r) => r.trx)).size).toBeGreaterThan(1);
    expect(await stored()).toEqual(values);
  });

  it('waits for announced writers: units queued in different turns share one transaction', async () => {
    const first = announceWrite(store.db);
    const second = announceWrite(store.db);
    const unit = (v: string) => (announcement: WriteAnnouncement) =>
      inGroupCommit(
        store.db,
        async (trx) => {
          await sql`insert into probe (v) values (${v})`.execute(trx);
          return trx;
        },
        announcement,
      );
    const early = unit('early')(first);
    // A later turn of the event loop: without the announcement the first unit would commit alone.
    await new Promise((resolve) => setImmediate(resolve));
    const late = unit('late')(second);
    const [a, b] = await Promise.all([early, late]);
    expect(a).toBe(b);
    expect(await stored()).toEqual(['early', 'late']);
  });

  it('does not wait long for an announced writer that never comes', async () => {
    announceWrite(store.db); // a delivery refused after its blob was stored: never retired
    const started = performance.now();
    await insert('alone');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await stored()).toEqual(['alone']);
  });
});
