import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, countAuditSince, latestAuditAt, listAudit } from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { T0 } from './directory-factories.js';

describe.each(testBackends())('audit log repository on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  it('appends entries and lists them newest first with their details parsed', async () => {
    const first = await appendAudit(store.db, {
      at: T0,
      actor: 'cli',
      action: 'account.created',
      target: 'sdupont',
      details: { profile: 'staff', establishments: ['0750001A'] },
    });
    const second = await appendAudit(store.db, {
      at: T0 + 1,
      actor: 'system',
      action: 'account.locked',
      target: 'sdupont',
      details: null,
    });
    expect(typeof first.id).toBe('number');
    expect(await listAudit(store.db, { limit: 10 })).toEqual([
      {
        id: second.id,
        at: T0 + 1,
        actor: 'system',
        action: 'account.locked',
        target: 'sdupont',
        details: null,
      },
      {
        id: first.id,
        at: T0,
        actor: 'cli',
        action: 'account.created',
        target: 'sdupont',
        details: { profile: 'staff', establishments: ['0750001A'] },
      },
    ]);
  });

  it('counts one target’s entries of an action since an instant, and finds the latest of some actions', async () => {
    const add = (at: number, action: string, target: string | null) =>
      appendAudit(store.db, { at, actor: 'system', action, target, details: null });
    await add(T0, 'auth.second_factor_failed', 'sdupont');
    await add(T0 + 10, 'auth.second_factor_failed', 'sdupont');
    await add(T0 + 20, 'auth.second_factor_failed', 'jmartin');
    await add(T0 + 30, 'account.unlocked', 'sdupont');
    await add(T0 + 40, 'account.locked', 'sdupont');
    await add(T0 + 50, 'account.locked', null);
    const count = (since: number) =>
      countAuditSince(store.db, { target: 'sdupont', action: 'auth.second_factor_failed', since });
    expect([await count(T0), await count(T0 + 1), await count(T0 + 11)]).toEqual([2, 1, 0]);
    expect(
      await latestAuditAt(store.db, { target: 'sdupont', actions: ['account.locked', 'account.unlocked'] }),
    ).toBe(T0 + 40);
    expect(await latestAuditAt(store.db, { target: 'sdupont', actions: ['account.unlocked'] })).toBe(T0 + 30);
    expect(await latestAuditAt(store.db, { target: 'nobody', actions: ['account.locked'] })).toBeUndefined();
  });

  it('keeps insertion order for entries of the same millisecond', async () => {
    for (const action of ['a.one', 'a.two', 'a.three']) {
      await appendAudit(store.db, { at: T0, actor: 'system', action, target: null, details: null });
    }
    expect((await listAudit(store.db, { limit: 10 })).map((entry) => entry.action)).toEqual([
      'a.three',
      'a.two',
      'a.one',
    ]);
  });

  it('filters by target and honours the limit', async () => {
    for (let i = 0; i < 4; i++) {
      await appendAudit(store.db, {
        at: T0 + i,
        actor: 'cli',
        action: 'x.y',
        target: 'sdupont',
        details: { i },
      });
    }
    await appendAudit(store.db, {
      at: T0 + 10,
      actor: 'cli',
      action: 'x.y',
      target: 'jmartin',
      details: null,
    });
    const entries = await listAudit(store.db, { limit: 2, target: 'sdupont' });
    expect(entries.map((entry) => entry.details)).toEqual([{ i: 3 }, { i: 2 }]);
    expect((await listAudit(store.db, { limit: 10, target: 'nobody' })).length).toBe(0);
  });

  it('rejects a limit outside 1..1000', async () => {
    await expect(listAudit(store.db, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(listAudit(store.db, { limit: 1001 })).rejects.toThrow(RangeError);
  });
});
