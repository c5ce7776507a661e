import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteAccountSessions,
  deleteAlias,
  deleteExpiredSessions,
  deleteSession,
  findSession,
  insertAlias,
  insertSession,
  isForeignKeyViolation,
  isUniqueViolation,
  listAccountSessions,
  listAliases,
  type NewSession,
  touchSession,
} from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { createAccount, errorOf, seedDirectory, T0 } from './directory-factories.js';

function sessionRow(accountId: string, id: string, expiresAt = T0 + 3_600_000): NewSession {
  return {
    id,
    account_id: accountId,
    created_at: T0,
    last_seen_at: T0,
    expires_at: expiresAt,
    ip: '192.0.2.10',
    user_agent: 'Firefox/140',
  };
}

describe.each(testBackends())('aliases repository on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  it("stores aliases lower-case and lists only the account's own, by address", async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    const other = await createAccount(store.db, directory, { identifier: 'other' });
    await insertAlias(store.db, { address: 'Direction@ac-test.fr', account_id: owner.id, created_at: T0 });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 + 1 });
    await insertAlias(store.db, { address: 'autre@ac-test.fr', account_id: other.id, created_at: T0 });
    expect(await listAliases(store.db, owner.id)).toEqual([
      { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 + 1 },
      { address: 'direction@ac-test.fr', account_id: owner.id, created_at: T0 },
    ]);
  });

  it('refuses an alias already used by another account, in another case, as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    const other = await createAccount(store.db, directory, { identifier: 'other' });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 });
    const err = await errorOf(() =>
      insertAlias(store.db, { address: 'CONTACT@ac-test.fr', account_id: other.id, created_at: T0 }),
    );
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('refuses an alias equal to a primary address as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    const other = await createAccount(store.db, directory, { identifier: 'other' });
    const err = await errorOf(() =>
      insertAlias(store.db, { address: owner.address.toUpperCase(), account_id: other.id, created_at: T0 }),
    );
    expect(isUniqueViolation(err)).toBe(true);
    expect(await listAliases(store.db, other.id)).toEqual([]);
  });

  it('refuses an alias for an unknown account as a foreign-key violation, not a unique one', async () => {
    const err = await errorOf(() =>
      insertAlias(store.db, { address: 'orphan@ac-test.fr', account_id: 'missing', created_at: T0 }),
    );
    expect(isForeignKeyViolation(err)).toBe(true);
    expect(isUniqueViolation(err)).toBe(false);
  });

  it("does not delete another account's alias", async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    const intruder = await createAccount(store.db, directory, { identifier: 'intruder' });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 });
    expect(await listAliases(store.db, intruder.id)).toEqual([]);
    expect(await deleteAlias(store.db, intruder.id, 'contact@ac-test.fr')).toBe(false);
    expect(await listAliases(store.db, owner.id)).toEqual([
      { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 },
    ]);
  });

  it("deletes the account's own alias, in any case", async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 });
    expect(await deleteAlias(store.db, owner.id, 'Contact@AC-TEST.fr')).toBe(true);
    expect(await listAliases(store.db, owner.id)).toEqual([]);
    expect(await deleteAlias(store.db, owner.id, 'contact@ac-test.fr')).toBe(false);
  });

  it("removes an account's aliases and sessions with the account", async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 });
    await insertSession(store.db, sessionRow(owner.id, 's1'));
    await store.db.deleteFrom('accounts').where('id', '=', owner.id).execute();
    expect(await listAliases(store.db, owner.id)).toEqual([]);
    expect(await findSession(store.db, 's1')).toBeUndefined();
  });
});

describe.each(testBackends())('sessions repository on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  it('finds a session by id with its instants as numbers', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    const row = sessionRow(account.id, 'a'.repeat(64));
    expect(await insertSession(store.db, row)).toEqual(row);
    expect(await findSession(store.db, row.id)).toEqual(row);
    expect(await findSession(store.db, 'b'.repeat(64))).toBeUndefined();
  });

  it('refuses a duplicate session id as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    await insertSession(store.db, sessionRow(account.id, 's1'));
    const err = await errorOf(() => insertSession(store.db, sessionRow(account.id, 's1')));
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('touches a session, sliding its expiry', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    const row = sessionRow(account.id, 's1');
    await insertSession(store.db, row);
    expect(await touchSession(store.db, 's1', { lastSeenAt: T0 + 60_000, expiresAt: T0 + 7_200_000 })).toBe(
      true,
    );
    expect(await findSession(store.db, 's1')).toEqual({
      ...row,
      last_seen_at: T0 + 60_000,
      expires_at: T0 + 7_200_000,
    });
    expect(await touchSession(store.db, 'missing', { lastSeenAt: T0, expiresAt: T0 })).toBe(false);
  });

  it("does not delete or list another account's sessions", async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    const intruder = await createAccount(store.db, directory, { identifier: 'intruder' });
    const row = sessionRow(owner.id, 's1');
    await insertSession(store.db, row);
    expect(await deleteSession(store.db, intruder.id, 's1')).toBe(false);
    expect(await listAccountSessions(store.db, intruder.id)).toEqual([]);
    expect(await deleteAccountSessions(store.db, intruder.id)).toBe(0);
    expect(await findSession(store.db, 's1')).toEqual(row);
  });

  it("deletes one of the account's sessions", async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    await insertSession(store.db, sessionRow(account.id, 's1'));
    await insertSession(store.db, sessionRow(account.id, 's2'));
    expect(await deleteSession(store.db, account.id, 's1')).toBe(true);
    expect((await listAccountSessions(store.db, account.id)).map((session) => session.id)).toEqual(['s2']);
  });

  it('lists sessions most recently seen first and deletes them all at once', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    await insertSession(store.db, { ...sessionRow(account.id, 'old'), last_seen_at: T0 });
    await insertSession(store.db, { ...sessionRow(account.id, 'new'), last_seen_at: T0 + 10 });
    await insertSession(store.db, { ...sessionRow(account.id, 'mid'), last_seen_at: T0 + 5 });
    expect((await listAccountSessions(store.db, account.id)).map((session) => session.id)).toEqual([
      'new',
      'mid',
      'old',
    ]);
    expect(await deleteAccountSessions(store.db, account.id)).toBe(3);
    expect(await listAccountSessions(store.db, account.id)).toEqual([]);
  });

  it('purges sessions expiring at or before now and keeps later ones', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    await insertSession(store.db, sessionRow(account.id, 'expired', T0 - 1));
    await insertSession(store.db, sessionRow(account.id, 'boundary', T0));
    await insertSession(store.db, sessionRow(account.id, 'alive', T0 + 1));
    expect(await deleteExpiredSessions(store.db, T0)).toBe(2);
    expect((await listAccountSessions(store.db, account.id)).map((session) => session.id)).toEqual(['alive']);
    expect(await deleteExpiredSessions(store.db, T0)).toBe(0);
  });
});
