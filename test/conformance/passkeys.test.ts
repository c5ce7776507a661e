/**
 * Passkeys on SQLite and PostgreSQL, with a software authenticator that answers as a browser would
 * (test/helpers/soft-authenticator.ts): registration bound to its challenge (single use, 5 minutes),
 * origin and RP id; sign-in checks that accept only the account's own passkey, for the challenge
 * given, from the right origin, never with a counter going backwards, and answer false (never throw)
 * for anything else a browser could send; removal refused when it would leave a profile that
 * requires two-step sign-in without a second factor; every change audited; everything per account.
 */
import fc from 'fast-check';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmTotpEnrolment,
  finishPasskeyRegistration,
  hasPasskeys,
  listPasskeys,
  MAX_PASSKEYS,
  passkeySignInOptions,
  type RelyingParty,
  removePasskey,
  renamePasskey,
  startPasskeyRegistration,
  startTotpEnrolment,
  verifyPasskeySignIn,
} from '../../src/core/auth/index.js';
import { createAccount } from '../../src/core/directory/index.js';
import type { Account } from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';
import { createSoftAuthenticator, type SoftAuthenticator } from '../helpers/soft-authenticator.js';

const RP: RelyingParty = {
  id: 'webmail.ac-test.fr',
  name: 'Académie de test',
  origin: 'https://webmail.ac-test.fr',
};

describe.each(testBackends())('passkeys on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  /** Staff: two-step sign-in required by the profile. */
  let sylvie: Account;
  /** Student: two-step sign-in optional. */
  let jean: Account;

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    const add = async (firstName: string, lastName: string, profile: string) =>
      (await createAccount(t.ctx, { firstName, lastName, domain: 'ac-test.fr', profile }, 'test')).account;
    sylvie = await add('Sylvie', 'Dupont', 'staff');
    jean = await add('Jean', 'Martin', 'student');
  });
  afterEach(async () => {
    await t.close();
  });

  async function enrol(account: Account, name: string, key = createSoftAuthenticator()) {
    const options = await startPasskeyRegistration(t.ctx, account, RP);
    const passkey = await finishPasskeyRegistration(
      t.ctx,
      account,
      RP,
      name,
      key.register(options, RP.origin),
    );
    return { key, passkey };
  }

  async function signIn(account: Account, key: SoftAuthenticator, origin = RP.origin) {
    const { options, challenge } = await passkeySignInOptions(t.ctx, account, RP);
    return verifyPasskeySignIn(t.ctx, account, RP, key.assert(options, origin, RP.id), challenge);
  }

  it('registers a passkey against a single-use challenge, and lists it for its account only', async () => {
    const options = await startPasskeyRegistration(t.ctx, sylvie, RP);
    expect(options.rp).toEqual({ id: RP.id, name: RP.name });
    expect(options.user.name).toBe('sylvie.dupont@ac-test.fr');
    expect(options.user.displayName).toBe('Sylvie Dupont');
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(sylvie.id);
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'preferred',
      userVerification: 'preferred',
    });
    expect(options.excludeCredentials).toEqual([]);
    expect(await hasPasskeys(t.ctx, sylvie)).toBe(false);

    const key = createSoftAuthenticator();
    const response = key.register(options, RP.origin);
    // A bad name is said first and spends nothing: the same answer goes through once renamed.
    await expect(finishPasskeyRegistration(t.ctx, sylvie, RP, '  ', response)).rejects.toMatchObject({
      code: 'passkey.name_invalid',
    });
    await expect(
      finishPasskeyRegistration(t.ctx, sylvie, RP, 'x'.repeat(65), response),
    ).rejects.toMatchObject({ code: 'passkey.name_invalid' });
    const passkey = await finishPasskeyRegistration(t.ctx, sylvie, RP, ' Clé USB ', response);
    expect(passkey).toMatchObject({
      account_id: sylvie.id,
      credential_id: key.credentialId,
      name: 'Clé USB',
      counter: 0,
      transports: '["usb"]',
      last_used_at: null,
      created_at: t.ctx.clock.now(),
    });
    expect(await hasPasskeys(t.ctx, sylvie)).toBe(true);
    expect((await listPasskeys(t.ctx, sylvie)).map((p) => p.id)).toEqual([passkey.id]);
    expect(await listPasskeys(t.ctx, jean)).toEqual([]);
    expect(await hasPasskeys(t.ctx, jean)).toBe(false);

    // The challenge was spent: the same answer again is refused.
    await expect(finishPasskeyRegistration(t.ctx, sylvie, RP, 'Clé', response)).rejects.toMatchObject({
      code: 'passkey.challenge_expired',
    });
    // The next registration excludes the first passkey; registering it again is refused.
    const next = await startPasskeyRegistration(t.ctx, sylvie, RP);
    expect(next.excludeCredentials?.map((c) => c.id)).toEqual([key.credentialId]);
    await expect(
      finishPasskeyRegistration(t.ctx, sylvie, RP, 'Encore', key.register(next, RP.origin)),
    ).rejects.toMatchObject({ code: 'passkey.already_registered' });
    expect(await listPasskeys(t.ctx, sylvie)).toHaveLength(1);
  });

  it('refuses a registration that expired, was made elsewhere, or is not one', async () => {
    const key = createSoftAuthenticator();
    // Expired after five minutes.
    let options = await startPasskeyRegistration(t.ctx, jean, RP);
    t.clock.advance(5 * 60_000);
    await expect(
      finishPasskeyRegistration(t.ctx, jean, RP, 'Clé', key.register(options, RP.origin)),
    ).rejects.toMatchObject({ code: 'passkey.challenge_expired' });
    // Another account's challenge is not this one's.
    options = await startPasskeyRegistration(t.ctx, sylvie, RP);
    await expect(
      finishPasskeyRegistration(t.ctx, jean, RP, 'Clé', key.register(options, RP.origin)),
    ).rejects.toMatchObject({ code: 'passkey.challenge_expired' });
    // A new start replaces the pending challenge: the older one no longer passes.
    const older = await startPasskeyRegistration(t.ctx, jean, RP);
    await startPasskeyRegistration(t.ctx, jean, RP);
    await expect(
      finishPasskeyRegistration(t.ctx, jean, RP, 'Clé', key.register(older, RP.origin)),
    ).rejects.toMatchObject({ code: 'passkey.invalid' });
    // Made on a look-alike site.
    options = await startPasskeyRegistration(t.ctx, jean, RP);
    await expect(
      finishPasskeyRegistration(
        t.ctx,
        jean,
        RP,
        'Clé',
        key.register(options, 'https://webmail.ac-test.fr.evil.example'),
      ),
    ).rejects.toMatchObject({ code: 'passkey.invalid' });
    // For another RP id.
    options = await startPasskeyRegistration(t.ctx, jean, RP);
    await expect(
      finishPasskeyRegistration(
        t.ctx,
        jean,
        RP,
        'Clé',
        key.register({ ...options, rp: { ...options.rp, id: 'evil.example' } }, RP.origin),
      ),
    ).rejects.toMatchObject({ code: 'passkey.invalid' });
    for (const junk of [null, 'x', {}, { id: 'a', rawId: 'a', type: 'public-key', response: {} }]) {
      await startPasskeyRegistration(t.ctx, jean, RP);
      await expect(finishPasskeyRegistration(t.ctx, jean, RP, 'Clé', junk)).rejects.toMatchObject({
        code: 'passkey.invalid',
      });
    }
    await startPasskeyRegistration(t.ctx, jean, RP);
    const good = key.register(options, RP.origin);
    await expect(
      finishPasskeyRegistration(t.ctx, jean, RP, 'Clé', {
        ...good,
        response: { ...good.response, attestationObject: 'AAAA' },
      }),
    ).rejects.toMatchObject({ code: 'passkey.invalid' });
    expect(await hasPasskeys(t.ctx, jean)).toBe(false);
  });

  it(`stops at ${MAX_PASSKEYS} passkeys`, async () => {
    for (let i = 0; i < MAX_PASSKEYS; i++) await enrol(jean, `Clé ${i}`);
    await expect(startPasskeyRegistration(t.ctx, jean, RP)).rejects.toMatchObject({
      code: 'passkey.limit',
      details: { max: MAX_PASSKEYS },
    });
    expect(await listPasskeys(t.ctx, jean)).toHaveLength(MAX_PASSKEYS);
  });

  it('signs in with the account’s own passkey, for the challenge given, from the right origin', async () => {
    const { key, passkey } = await enrol(sylvie, 'Téléphone');
    const other = await enrol(jean, 'Clé de Jean');

    const { options, challenge } = await passkeySignInOptions(t.ctx, sylvie, RP);
    expect(options.rpId).toBe(RP.id);
    expect(options.userVerification).toBe('preferred');
    expect(options.allowCredentials).toEqual([
      { id: key.credentialId, type: 'public-key', transports: ['usb'] },
    ]);
    expect(challenge).toBe(options.challenge);

    t.clock.advance(60_000);
    const response = key.assert(options, RP.origin, RP.id);
    // Another challenge, another account, a look-alike origin, another RP id: refused.
    expect(await verifyPasskeySignIn(t.ctx, sylvie, RP, response, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(await verifyPasskeySignIn(t.ctx, jean, RP, response, challenge)).toBe(false);
    expect(
      await verifyPasskeySignIn(
        t.ctx,
        sylvie,
        RP,
        key.assert(options, 'https://evil.example', RP.id),
        challenge,
      ),
    ).toBe(false);
    expect(
      await verifyPasskeySignIn(t.ctx, sylvie, RP, key.assert(options, RP.origin, 'evil.example'), challenge),
    ).toBe(false);
    // Jean's passkey does not sign Sylvie in.
    expect(
      await verifyPasskeySignIn(t.ctx, sylvie, RP, other.key.assert(options, RP.origin, RP.id), challenge),
    ).toBe(false);
    expect((await listPasskeys(t.ctx, sylvie))[0]?.last_used_at).toBeNull();

    expect(await verifyPasskeySignIn(t.ctx, sylvie, RP, response, challenge)).toBe(true);
    const [used] = await listPasskeys(t.ctx, sylvie);
    expect(used).toMatchObject({ id: passkey.id, last_used_at: t.ctx.clock.now(), counter: 0 });
    expect((await listPasskeys(t.ctx, jean))[0]?.last_used_at).toBeNull();
  });

  it('keeps the signature counter and refuses one that goes backwards (a cloned key)', async () => {
    const key = createSoftAuthenticator();
    key.counter = 5;
    await enrol(jean, 'Clé', key);
    key.counter = 6;
    expect(await signIn(jean, key)).toBe(true);
    expect((await listPasskeys(t.ctx, jean))[0]?.counter).toBe(6);
    // Same counter again, then lower: both refused, nothing recorded.
    expect(await signIn(jean, key)).toBe(false);
    key.counter = 3;
    expect(await signIn(jean, key)).toBe(false);
    expect((await listPasskeys(t.ctx, jean))[0]?.counter).toBe(6);
    key.counter = 7;
    expect(await signIn(jean, key)).toBe(true);
  });

  it('answers false, never throws, for anything a browser could send', async () => {
    const { key } = await enrol(jean, 'Clé');
    const { options, challenge } = await passkeySignInOptions(t.ctx, jean, RP);
    const valid = key.assert(options, RP.origin, RP.id);
    const tamper = (field: 'clientDataJSON' | 'authenticatorData' | 'signature', value: string) => ({
      ...valid,
      response: { ...valid.response, [field]: value },
    });
    for (const junk of [
      undefined,
      null,
      42,
      'response',
      [],
      {},
      { ...valid, type: 'other' },
      { ...valid, id: '' },
      tamper('signature', 'AAAA'),
      tamper('authenticatorData', '!!!'),
      tamper('clientDataJSON', Buffer.from('{').toString('base64url')),
      tamper('clientDataJSON', Buffer.from('null').toString('base64url')),
    ]) {
      expect(await verifyPasskeySignIn(t.ctx, jean, RP, junk, challenge)).toBe(false);
    }
    expect(await verifyPasskeySignIn(t.ctx, jean, RP, valid, '')).toBe(false);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          id: fc.oneof(fc.constant(valid.id), fc.string()),
          rawId: fc.oneof(fc.constant(valid.rawId), fc.string()),
          type: fc.oneof(fc.constant('public-key'), fc.string()),
          response: fc.record({
            clientDataJSON: fc.oneof(
              fc.constant(valid.response.clientDataJSON),
              fc.base64String(),
              fc.anything(),
            ),
            authenticatorData: fc.oneof(fc.base64String(), fc.string(), fc.anything()),
            signature: fc.oneof(fc.constant(valid.response.signature), fc.base64String(), fc.anything()),
            userHandle: fc.anything(),
          }),
        }),
        async (response) => {
          expect(await verifyPasskeySignIn(t.ctx, jean, RP, response, challenge)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
    expect(await verifyPasskeySignIn(t.ctx, jean, RP, valid, challenge)).toBe(true);
  });

  it('keeps the last second factor of a profile that requires one, and audits every change', async () => {
    const first = await enrol(sylvie, 'Clé USB');
    await expect(removePasskey(t.ctx, sylvie, first.passkey.id)).rejects.toMatchObject({
      code: 'two_factor.required',
    });
    const second = await enrol(sylvie, 'Téléphone');
    await removePasskey(t.ctx, sylvie, first.passkey.id);
    await expect(removePasskey(t.ctx, sylvie, second.passkey.id)).rejects.toMatchObject({
      code: 'two_factor.required',
    });
    // With an authenticator app on, the last passkey may go.
    const totp = await startTotpEnrolment(t.ctx, sylvie, 'Facteur');
    await confirmTotpEnrolment(
      t.ctx,
      sylvie,
      new TOTP({ secret: Secret.fromBase32(totp.secret) }).generate({ timestamp: t.ctx.clock.now() }),
    );
    // Another account's passkey is not found, whatever its id.
    const jeans = await enrol(jean, 'Clé');
    await expect(removePasskey(t.ctx, sylvie, jeans.passkey.id)).rejects.toMatchObject({
      code: 'passkey.not_found',
    });
    await expect(renamePasskey(t.ctx, sylvie, jeans.passkey.id, 'À moi')).rejects.toMatchObject({
      code: 'passkey.not_found',
    });
    expect((await renamePasskey(t.ctx, sylvie, second.passkey.id, ' Mon téléphone ')).name).toBe(
      'Mon téléphone',
    );
    await removePasskey(t.ctx, sylvie, second.passkey.id);
    expect(await hasPasskeys(t.ctx, sylvie)).toBe(false);
    await expect(removePasskey(t.ctx, sylvie, second.passkey.id)).rejects.toMatchObject({
      code: 'passkey.not_found',
    });
    // A student may remove their only passkey.
    await removePasskey(t.ctx, jean, jeans.passkey.id);
    expect(await hasPasskeys(t.ctx, jean)).toBe(false);
    // A removed passkey signs in no more.
    expect(await signIn(sylvie, second.key)).toBe(false);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', sylvie.identifier)
      .where('action', 'like', 'passkey.%')
      .orderBy('id')
      .execute();
    expect(audit.map((e) => e.action)).toEqual([
      'passkey.added',
      'passkey.added',
      'passkey.removed',
      'passkey.removed',
    ]);
    const third = await enrol(jean, 'Clé 2');
    expect(await signIn(jean, third.key)).toBe(true);
    const used = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', jean.identifier)
      .where('action', '=', 'passkey.used')
      .execute();
    expect(used).toHaveLength(1);
    expect(JSON.stringify(used)).not.toContain(third.passkey.public_key);
  });
});
