/**
 * The pending sign-ins and trusted devices repository on SQLite and PostgreSQL: a pending sign-in
 * found by its id until it expires, failures counted exactly under concurrency, deleted once (a
 * racing second step loses), expired ones swept; trust per account and device, until a date, and
 * forgotten all at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import {
  type Account,
  countPendingFailure,
  countTrustedDevices,
  deletePendingSignIn,
  findPendingSignIn,
  forgetTrustedDevices,
  insertPendingSignIn,
  isDeviceTrusted,
  recordDevice,
  trustDevice,
} from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

describe.each(testBackends())('pending sign-ins on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  let sylvie: Account;
  let jean: Account;

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    const add = async (firstName: string, lastName: string) =>
      (await createAccount(t.ctx, { firstName, lastName, domain: 'ac-test.fr' }, 'test')).account;
    sylvie = await add('Sylvie', 'Dupont');
    jean = await add('Jean', 'Martin');
  });
  afterEach(async () => {
    await t.close();
  });

  const pending = (id: string, now: number, accountId = sylvie.id) => ({
    id,
    accountId,
    purpose: 'second_factor' as const,
    deviceHash: 'device-a',
    now,
    expiresAt: now + 600_000,
  });

  it('finds a pending sign-in until it expires, and sweeps expired ones at the next', async () => {
    await insertPendingSignIn(t.ctx.db, pending('p1', 1_000_000));
    expect(await findPendingSignIn(t.ctx.db, 'p1', 1_000_001)).toMatchObject({
      account_id: sylvie.id,
      purpose: 'second_factor',
      device_hash: 'device-a',
      failures: 0,
      challenge: null,
    });
    expect(await findPendingSignIn(t.ctx.db, 'p1', 1_600_000)).toBeUndefined();
    expect(await findPendingSignIn(t.ctx.db, 'nope', 1_000_001)).toBeUndefined();
    await insertPendingSignIn(t.ctx.db, pending('p2', 2_000_000, jean.id));
    const left = await t.ctx.db.selectFrom('pending_sign_ins').select('id').execute();
    expect(left.map((r) => r.id)).toEqual(['p2']);
  });

  it('counts concurrent failures exactly and deletes a pending sign-in once', async () => {
    await insertPendingSignIn(t.ctx.db, pending('p1', 1_000_000));
    const counts = await Promise.all(Array.from({ length: 5 }, () => countPendingFailure(t.ctx.db, 'p1')));
    expect(Math.max(...counts)).toBe(5);
    expect((await findPendingSignIn(t.ctx.db, 'p1', 1_000_001))?.failures).toBe(5);
    const deletions = await Promise.all([
      deletePendingSignIn(t.ctx.db, 'p1'),
      deletePendingSignIn(t.ctx.db, 'p1'),
    ]);
    expect(deletions.sort()).toEqual([false, true]);
  });

  it('trusts a device of one account until a date, and forgets every trust at once', async () => {
    await recordDevice(t.ctx.db, sylvie.id, 'device-a', 1_000);
    await recordDevice(t.ctx.db, sylvie.id, 'device-b', 1_000);
    await recordDevice(t.ctx.db, jean.id, 'device-a', 1_000);
    expect(await isDeviceTrusted(t.ctx.db, sylvie.id, 'device-a', 2_000)).toBe(false);
    await trustDevice(t.ctx.db, sylvie.id, 'device-a', 10_000);
    await trustDevice(t.ctx.db, sylvie.id, 'device-b', 10_000);
    expect(await isDeviceTrusted(t.ctx.db, sylvie.id, 'device-a', 9_999)).toBe(true);
    expect(await isDeviceTrusted(t.ctx.db, sylvie.id, 'device-a', 10_000)).toBe(false);
    expect(await isDeviceTrusted(t.ctx.db, jean.id, 'device-a', 2_000)).toBe(false);
    expect(await countTrustedDevices(t.ctx.db, sylvie.id, 2_000)).toBe(2);
    expect(await forgetTrustedDevices(t.ctx.db, sylvie.id)).toBe(2);
    expect(await isDeviceTrusted(t.ctx.db, sylvie.id, 'device-b', 2_000)).toBe(false);
    expect(await countTrustedDevices(t.ctx.db, sylvie.id, 2_000)).toBe(0);
  });
});
