/**
 * The password-reset repository on SQLite and PostgreSQL: a new link voids the account's earlier
 * ones (not other accounts'), a link is spent once only (also when two spends race), never after
 * its expiry, and expired links are purged; accounts are found by their NUMEN's keyed hash.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import { keyedHash } from '../../src/platform/crypto/index.js';
import {
  type Account,
  findAccountsByNumenHash,
  findPasswordReset,
  purgeExpiredPasswordResets,
  replacePasswordReset,
  spendPasswordReset,
} from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

describe.each(testBackends())('password resets on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  let sylvie: Account;
  let jean: Account;
  const NOW = 1_800_000_000_000;

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    sylvie = (
      await createAccount(
        t.ctx,
        {
          firstName: 'Sylvie',
          lastName: 'Dupont',
          domain: 'ac-test.fr',
          numen: '12AB3456789CD',
          birthDate: '1980-05-17',
        },
        'test',
      )
    ).account;
    jean = (
      await createAccount(t.ctx, { firstName: 'Jean', lastName: 'Martin', domain: 'ac-test.fr' }, 'test')
    ).account;
  });
  afterEach(async () => {
    await t.close();
  });

  const link = (account: Account, hash: string, createdAt = NOW) => ({
    id: randomUUID(),
    account_id: account.id,
    token_hash: hash,
    created_at: createdAt,
    expires_at: createdAt + 30 * 60_000,
    used_at: null,
  });

  it('keeps one link per account: a new one voids the earlier, not another account’s', async () => {
    await replacePasswordReset(t.ctx.db, link(sylvie, 'h1'));
    await replacePasswordReset(t.ctx.db, link(jean, 'j1'));
    await replacePasswordReset(t.ctx.db, link(sylvie, 'h2', NOW + 1000));
    expect(await findPasswordReset(t.ctx.db, 'h1')).toBeUndefined();
    expect(await findPasswordReset(t.ctx.db, 'h2')).toMatchObject({ account_id: sylvie.id, used_at: null });
    expect(await findPasswordReset(t.ctx.db, 'j1')).toMatchObject({
      account_id: jean.id,
      expires_at: NOW + 1_800_000,
    });
  });

  it('spends a link once, also when two spends race, and never after its expiry', async () => {
    await replacePasswordReset(t.ctx.db, link(sylvie, 'h1'));
    const [a, b] = await Promise.all([
      spendPasswordReset(t.ctx.db, 'h1', NOW + 10),
      spendPasswordReset(t.ctx.db, 'h1', NOW + 10),
    ]);
    expect([a, b].filter((row) => row !== undefined)).toHaveLength(1);
    expect(await spendPasswordReset(t.ctx.db, 'h1', NOW + 20)).toBeUndefined();
    expect((await findPasswordReset(t.ctx.db, 'h1'))?.used_at).toBe(NOW + 10);

    await replacePasswordReset(t.ctx.db, link(jean, 'j1'));
    expect(await spendPasswordReset(t.ctx.db, 'j1', NOW + 30 * 60_000)).toBeUndefined();
    expect(await spendPasswordReset(t.ctx.db, 'unknown', NOW)).toBeUndefined();
    expect(await spendPasswordReset(t.ctx.db, 'j1', NOW + 30 * 60_000 - 1)).toMatchObject({
      account_id: jean.id,
    });
  });

  it('purges expired links only', async () => {
    await replacePasswordReset(t.ctx.db, link(sylvie, 'old', NOW - 3_600_000));
    await replacePasswordReset(t.ctx.db, link(jean, 'fresh'));
    expect(await purgeExpiredPasswordResets(t.ctx.db, NOW)).toBe(1);
    expect(await findPasswordReset(t.ctx.db, 'old')).toBeUndefined();
    expect(await findPasswordReset(t.ctx.db, 'fresh')).toBeDefined();
  });

  it('goes with its account, and finds accounts by the keyed hash of their NUMEN', async () => {
    const hash = keyedHash(t.ctx.secretKey, 'numen', '12ab 3456789cd');
    expect((await findAccountsByNumenHash(t.ctx.db, hash)).map((a) => a.id)).toEqual([sylvie.id]);
    expect(
      await findAccountsByNumenHash(t.ctx.db, keyedHash(t.ctx.secretKey, 'numen', '0000000000000')),
    ).toEqual([]);
    await replacePasswordReset(t.ctx.db, link(jean, 'j1'));
    await t.ctx.db.deleteFrom('accounts').where('id', '=', jean.id).execute();
    expect(await findPasswordReset(t.ctx.db, 'j1')).toBeUndefined();
  });
});
