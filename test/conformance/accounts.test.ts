import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearFailedSignIns,
  findAccountByAddress,
  findAccountById,
  findAccountByIdentifier,
  insertAccount,
  insertAlias,
  isUniqueViolation,
  listAccounts,
  listAddressesStartingWith,
  listIdentifiersStartingWith,
  recordFailedSignIn,
  updateAccount,
} from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { buildAccount, createAccount, errorOf, seedDirectory, T0 } from './directory-factories.js';

describe.each(testBackends())('accounts repository on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  it('round-trips every column, with instants above 2^31 as numbers', async () => {
    const directory = await seedDirectory(store.db);
    const row = buildAccount(directory, {
      identifier: 'sdupont',
      address: 'sylvie.dupont@ac-test.fr',
      password_changed_at: T0 + 1,
      locked_until: 4_102_444_800_000,
      numen_hash: 'a'.repeat(64),
      start_date: '2025-09-01',
      must_change_password: 1,
    });
    const inserted = await insertAccount(store.db, row);
    expect(inserted).toEqual(row);
    const found = await findAccountById(store.db, row.id);
    expect(found).toEqual(row);
    expect(typeof found?.created_at).toBe('number');
    expect(found?.locked_until).toBe(4_102_444_800_000);
  });

  it('stores identifier and address lower-case and finds them in any case', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory, {
      identifier: 'SDupont',
      address: 'Sylvie.Dupont@AC-Test.fr',
    });
    expect(account.identifier).toBe('sdupont');
    expect(account.address).toBe('sylvie.dupont@ac-test.fr');
    expect((await findAccountByIdentifier(store.db, 'SDUPONT'))?.id).toBe(account.id);
    expect((await findAccountByAddress(store.db, 'SYLVIE.DUPONT@ac-test.FR'))?.id).toBe(account.id);
    expect(await findAccountByIdentifier(store.db, 'sdupont1')).toBeUndefined();
    expect(await findAccountByAddress(store.db, 'sylvie.dupont@other.fr')).toBeUndefined();
  });

  it('finds the account owning an alias, in any case', async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'sdupont' });
    await createAccount(store.db, directory, { identifier: 'jmartin' });
    await insertAlias(store.db, { address: 'secretariat@ac-test.fr', account_id: owner.id, created_at: T0 });
    expect(await findAccountByAddress(store.db, 'Secretariat@AC-TEST.fr')).toEqual(owner);
  });

  it('refuses a taken identifier in another case as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    await createAccount(store.db, directory, { identifier: 'sdupont', address: 'a@ac-test.fr' });
    const err = await errorOf(() =>
      createAccount(store.db, directory, { identifier: 'SDUPONT', address: 'b@ac-test.fr' }),
    );
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('refuses a taken address in another case as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    await createAccount(store.db, directory, { identifier: 'a', address: 'sylvie.dupont@ac-test.fr' });
    const err = await errorOf(() =>
      createAccount(store.db, directory, { identifier: 'b', address: 'Sylvie.Dupont@ac-test.fr' }),
    );
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('refuses a primary address already used as an alias as a unique violation', async () => {
    const directory = await seedDirectory(store.db);
    const owner = await createAccount(store.db, directory, { identifier: 'owner' });
    await insertAlias(store.db, { address: 'contact@ac-test.fr', account_id: owner.id, created_at: T0 });
    const err = await errorOf(() =>
      createAccount(store.db, directory, { identifier: 'other', address: 'CONTACT@ac-test.fr' }),
    );
    expect(isUniqueViolation(err)).toBe(true);
    expect(await findAccountByIdentifier(store.db, 'other')).toBeUndefined();
  });

  it('lists identifiers by prefix, treating _ and % literally', async () => {
    const directory = await seedDirectory(store.db);
    for (const identifier of [
      's_dupont',
      's_dupont1',
      'sxdupont',
      's%dupont',
      'sdupont',
      'sdupont2',
      'tdupont',
    ]) {
      await createAccount(store.db, directory, { identifier });
    }
    expect(await listIdentifiersStartingWith(store.db, 'sdupont')).toEqual(['sdupont', 'sdupont2']);
    expect(await listIdentifiersStartingWith(store.db, 's_dupont')).toEqual(['s_dupont', 's_dupont1']);
    expect(await listIdentifiersStartingWith(store.db, 's%')).toEqual(['s%dupont']);
    expect(await listIdentifiersStartingWith(store.db, 'S_')).toEqual(['s_dupont', 's_dupont1']);
    expect(await listIdentifiersStartingWith(store.db, '%')).toEqual([]);
  });

  it('lists primary and alias addresses on one domain by local-part prefix, treating _ and % literally', async () => {
    const directory = await seedDirectory(store.db, 'ac-test.fr');
    const elsewhere = await seedDirectory(store.db, 'ac_test.fr');
    const a = await createAccount(store.db, directory, {
      identifier: 'a',
      address: 'jean_paul.martin@ac-test.fr',
    });
    await createAccount(store.db, directory, { identifier: 'b', address: 'jean_paul.martin2@ac-test.fr' });
    await createAccount(store.db, directory, { identifier: 'c', address: 'jeanxpaul.martin@ac-test.fr' });
    await createAccount(store.db, directory, { identifier: 'd', address: 'jean%paul.martin@ac-test.fr' });
    await createAccount(store.db, elsewhere, { identifier: 'e', address: 'jean_paul.martin@ac_test.fr' });
    await createAccount(store.db, directory, { identifier: 'f', address: 'jean_paul.martin@ac-testxfr.fr' });
    await insertAlias(store.db, {
      address: 'jean_paul.martin3@ac-test.fr',
      account_id: a.id,
      created_at: T0,
    });
    await insertAlias(store.db, { address: 'jean_paul.martin@acxtest.fr', account_id: a.id, created_at: T0 });

    expect(await listAddressesStartingWith(store.db, 'jean_paul.martin', 'ac-test.fr')).toEqual([
      'jean_paul.martin2@ac-test.fr',
      'jean_paul.martin3@ac-test.fr',
      'jean_paul.martin@ac-test.fr',
    ]);
    expect(await listAddressesStartingWith(store.db, 'Jean%', 'AC-TEST.FR')).toEqual([
      'jean%paul.martin@ac-test.fr',
    ]);
    expect(await listAddressesStartingWith(store.db, 'jean_paul.martin', 'ac_test.fr')).toEqual([
      'jean_paul.martin@ac_test.fr',
    ]);
    expect(await listAddressesStartingWith(store.db, 'nobody', 'ac-test.fr')).toEqual([]);
  });

  it('pages accounts by identifier and filters by organisation and status', async () => {
    const first = await seedDirectory(store.db, 'one.fr');
    const second = await seedDirectory(store.db, 'two.fr');
    for (const identifier of ['dd', 'aa', 'cc', 'bb']) await createAccount(store.db, first, { identifier });
    await createAccount(store.db, first, { identifier: 'ee', status: 'disabled' });
    await createAccount(store.db, second, { identifier: 'ab' });

    const ids = (accounts: { identifier: string }[]) => accounts.map((account) => account.identifier);
    expect(ids(await listAccounts(store.db, { limit: 10, offset: 0 }))).toEqual([
      'aa',
      'ab',
      'bb',
      'cc',
      'dd',
      'ee',
    ]);
    expect(
      ids(await listAccounts(store.db, { organisationId: first.organisation.id, limit: 2, offset: 1 })),
    ).toEqual(['bb', 'cc']);
    expect(ids(await listAccounts(store.db, { status: 'disabled', limit: 10, offset: 0 }))).toEqual(['ee']);
    expect(
      ids(
        await listAccounts(store.db, {
          organisationId: second.organisation.id,
          status: 'active',
          limit: 10,
          offset: 0,
        }),
      ),
    ).toEqual(['ab']);
  });

  it('rejects a page size of 0, above the maximum, or a negative offset', async () => {
    await expect(listAccounts(store.db, { limit: 0, offset: 0 })).rejects.toThrow(RangeError);
    await expect(listAccounts(store.db, { limit: 1001, offset: 0 })).rejects.toThrow(RangeError);
    await expect(listAccounts(store.db, { limit: 1000, offset: 0 })).resolves.toEqual([]);
    await expect(listAccounts(store.db, { limit: 10, offset: -1 })).rejects.toThrow(RangeError);
    await expect(listAccounts(store.db, { limit: Number.NaN, offset: 0 })).rejects.toThrow(RangeError);
  });

  it('updates an account and sets updated_at to the given instant', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory, { identifier: 'sdupont' });
    const updated = await updateAccount(store.db, account.id, {
      status: 'disabled',
      address: 'Sylvie.Dupont2@ac-test.fr',
      updated_at: T0 + 5_000,
    });
    expect(updated).toEqual({
      ...account,
      status: 'disabled',
      address: 'sylvie.dupont2@ac-test.fr',
      updated_at: T0 + 5_000,
    });
    expect(await findAccountById(store.db, account.id)).toEqual(updated);
  });

  it('sets updated_at to the current time when the patch does not give it', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    const before = Date.now();
    const updated = await updateAccount(store.db, account.id, { first_name: 'Sylvia' });
    expect(updated?.first_name).toBe('Sylvia');
    expect(updated?.updated_at).toBeGreaterThanOrEqual(before);
    expect(updated?.updated_at).toBeLessThanOrEqual(Date.now());
  });

  it('returns undefined when updating an unknown account and refuses to change an id', async () => {
    expect(await updateAccount(store.db, 'missing', { first_name: 'X' })).toBeUndefined();
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    await expect(updateAccount(store.db, account.id, { id: 'other' })).rejects.toThrow(RangeError);
  });

  it('counts failed sign-ins and locks on the last allowed attempt', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    const options = { now: T0, maxAttempts: 3, lockMs: 900_000 };
    expect(await recordFailedSignIn(store.db, account.id, options)).toMatchObject({
      failed_attempts: 1,
      locked_until: null,
    });
    expect(await recordFailedSignIn(store.db, account.id, options)).toMatchObject({
      failed_attempts: 2,
      locked_until: null,
    });
    expect(await recordFailedSignIn(store.db, account.id, options)).toMatchObject({
      failed_attempts: 0,
      locked_until: T0 + 900_000,
      updated_at: T0,
    });
  });

  it('locks exactly once per maxAttempts failures under 20 concurrent failures', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        recordFailedSignIn(store.db, account.id, { now: T0, maxAttempts: 5, lockMs: 60_000 }),
      ),
    );
    const counts = results.map((result) => result.failed_attempts).sort((x, y) => x - y);
    expect(counts).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    // Serialised, the first four failures precede any lock; every later one sees (or sets) it.
    const unlocked = results.filter((result) => result.locked_until === null);
    expect(unlocked.map((result) => result.failed_attempts).sort((x, y) => x - y)).toEqual([1, 2, 3, 4]);
    expect(results.filter((result) => result.locked_until === T0 + 60_000)).toHaveLength(16);
    const final = await findAccountById(store.db, account.id);
    expect(final).toMatchObject({ failed_attempts: 0, locked_until: T0 + 60_000 });
  });

  it('throws a not-found error when recording a failure for an unknown account', async () => {
    await expect(
      recordFailedSignIn(store.db, 'missing', { now: T0, maxAttempts: 5, lockMs: 1 }),
    ).rejects.toMatchObject({ code: 'store.not_found' });
  });

  it('clears the failure counter and the lock', async () => {
    const directory = await seedDirectory(store.db);
    const account = await createAccount(store.db, directory, { failed_attempts: 3, locked_until: T0 });
    expect(await clearFailedSignIns(store.db, account.id)).toBe(true);
    expect(await findAccountById(store.db, account.id)).toEqual({
      ...account,
      failed_attempts: 0,
      locked_until: null,
    });
    expect(await clearFailedSignIns(store.db, 'missing')).toBe(false);
  });
});
