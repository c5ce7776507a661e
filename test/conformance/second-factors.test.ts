/**
 * Two-step sign-in's core on SQLite and PostgreSQL: TOTP enrolment confirmed by a code computed as
 * an authenticator app does (otpauth, from the URI), codes accepted within one step of drift and
 * once only (also when two checks race), the secret sealed at rest, recovery codes single-use and
 * voided when remade, everything per account.
 */
import { Secret, TOTP, URI } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmTotpEnrolment,
  disableTotp,
  isTotpEnabled,
  makeRecoveryCodes,
  redeemRecoveryCode,
  startTotpEnrolment,
  verifyTotpCode,
} from '../../src/core/auth/index.js';
import { createAccount } from '../../src/core/directory/index.js';
import type { Account } from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

describe.each(testBackends())('second factors on %s', (backend) => {
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

  /** What the app shows at `offsetMs` from the test clock's now. */
  const appCode = (uri: string, offsetMs = 0) =>
    (URI.parse(uri) as TOTP).generate({ timestamp: t.ctx.clock.now() + offsetMs });

  it('enrols with a code from the app, then accepts each code once, with one step of drift', async () => {
    const enrolment = await startTotpEnrolment(t.ctx, sylvie, 'Académie de test');
    expect(enrolment.uri).toMatch(
      /^otpauth:\/\/totp\/Acad%C3%A9mie%20de%20test:sylvie\.dupont%40ac-test\.fr\?/,
    );
    expect(enrolment.uri).toContain(`secret=${enrolment.secret}`);
    expect(Secret.fromBase32(enrolment.secret).bytes).toHaveLength(20);
    expect(await isTotpEnabled(t.ctx, sylvie)).toBe(false);
    // Nothing is accepted before confirmation.
    expect(await verifyTotpCode(t.ctx, sylvie, appCode(enrolment.uri))).toBe(false);

    await expect(confirmTotpEnrolment(t.ctx, sylvie, '000000')).rejects.toMatchObject({
      code: 'totp.code_invalid',
    });
    const codes = await confirmTotpEnrolment(t.ctx, sylvie, appCode(enrolment.uri));
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await isTotpEnabled(t.ctx, sylvie)).toBe(true);
    await expect(startTotpEnrolment(t.ctx, sylvie, 'x')).rejects.toMatchObject({
      code: 'totp.already_enabled',
    });

    // The confirmation spent this step's code.
    expect(await verifyTotpCode(t.ctx, sylvie, appCode(enrolment.uri))).toBe(false);
    t.clock.advance(30_000);
    const next = appCode(enrolment.uri);
    const [first, second] = await Promise.all([
      verifyTotpCode(t.ctx, sylvie, next),
      verifyTotpCode(t.ctx, sylvie, next),
    ]);
    expect([first, second].sort()).toEqual([false, true]);
    // A phone a step behind is accepted; two steps is too far; a code of the past never again.
    t.clock.advance(60_000);
    expect(await verifyTotpCode(t.ctx, sylvie, appCode(enrolment.uri, -30_000))).toBe(true);
    expect(await verifyTotpCode(t.ctx, sylvie, appCode(enrolment.uri, -90_000))).toBe(false);
    expect(await verifyTotpCode(t.ctx, sylvie, next)).toBe(false);
    expect(await verifyTotpCode(t.ctx, sylvie, 'abcdef')).toBe(false);

    // Jean's account knows nothing of it.
    expect(await isTotpEnabled(t.ctx, jean)).toBe(false);
    t.clock.advance(30_000);
    expect(await verifyTotpCode(t.ctx, jean, appCode(enrolment.uri))).toBe(false);

    // Sealed at rest: the base32 secret is nowhere in the row.
    const row = await t.ctx.db
      .selectFrom('totp_secrets')
      .selectAll()
      .where('account_id', '=', sylvie.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(enrolment.secret);

    await disableTotp(t.ctx, sylvie, sylvie.id);
    expect(await isTotpEnabled(t.ctx, sylvie)).toBe(false);
    expect(await redeemRecoveryCode(t.ctx, sylvie, codes[0] as string)).toBe(false);
  });

  it('takes each recovery code once, however typed, and voids them all when remade', async () => {
    const enrolment = await startTotpEnrolment(t.ctx, sylvie, 'Facteur');
    const codes = await confirmTotpEnrolment(
      t.ctx,
      sylvie,
      new TOTP({ secret: Secret.fromBase32(enrolment.secret) }).generate({ timestamp: t.ctx.clock.now() }),
    );
    const [a, b, c] = codes as [string, string, string];
    expect(await redeemRecoveryCode(t.ctx, sylvie, a)).toBe(true);
    expect(await redeemRecoveryCode(t.ctx, sylvie, a)).toBe(false);
    expect(await redeemRecoveryCode(t.ctx, sylvie, ` ${b.replace('-', '').toUpperCase()} `)).toBe(true);
    expect(await redeemRecoveryCode(t.ctx, jean, c)).toBe(false);
    expect(await redeemRecoveryCode(t.ctx, sylvie, 'x'.repeat(100))).toBe(false);

    const fresh = await makeRecoveryCodes(t.ctx, sylvie);
    expect(fresh.some((code) => codes.includes(code))).toBe(false);
    expect(await redeemRecoveryCode(t.ctx, sylvie, c)).toBe(false);
    expect(await redeemRecoveryCode(t.ctx, sylvie, fresh[0] as string)).toBe(true);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', sylvie.identifier)
      .execute();
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['totp.enabled', 'recovery_codes.created', 'recovery_code.used']),
    );
  });

  it('restarts an unconfirmed enrolment with a new secret', async () => {
    const first = await startTotpEnrolment(t.ctx, sylvie, 'Facteur');
    const second = await startTotpEnrolment(t.ctx, sylvie, 'Facteur');
    expect(second.secret).not.toBe(first.secret);
    await expect(confirmTotpEnrolment(t.ctx, sylvie, appCode(first.uri))).rejects.toMatchObject({
      code: 'totp.code_invalid',
    });
    await expect(confirmTotpEnrolment(t.ctx, jean, appCode(first.uri))).rejects.toMatchObject({
      code: 'totp.not_started',
    });
    expect((await confirmTotpEnrolment(t.ctx, sylvie, appCode(second.uri))).length).toBe(10);
  });
});
