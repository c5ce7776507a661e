/**
 * Two-step sign-in over the web API, against a running server: TOTP turned on from the settings
 * (codes computed here with otpauth, as a phone app would), the second step on another browser,
 * wrong codes counted and ended, recovery codes spent once, a trusted browser that skips the step,
 * a pending sign-in that cannot move to another browser, and the forced enrolment of a profile that
 * requires two-step sign-in. Passkeys answer the second step with a software authenticator: each
 * answer bound to the challenge of its sign-in, never replayed.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticator } from '../helpers/authenticator.js';
import { type HttpClient, startTestServer, type TestServer } from '../helpers/facteur.js';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.js';

const PASSWORD = 'Motdepasse-solide-2026!';
let t: TestServer;

beforeEach(async () => {
  t = await startTestServer();
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.addUser('Paul', 'Bernard', '--password', PASSWORD, '--profile', 'staff');
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
});

afterEach(async () => {
  await t.close();
});

async function turnTotpOn(client: HttpClient) {
  const setup = await client.request('POST', '/api/two-factor/totp', { currentPassword: PASSWORD });
  expect(setup.status, setup.text).toBe(200);
  expect(setup.json.uri).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=/);
  expect(setup.json.qrCodeSvg).toMatch(/^<svg /);
  const app = authenticator(setup.json.secret);
  const confirmed = await client.request('POST', '/api/two-factor/totp/confirm', { code: app.next() });
  expect(confirmed.status, confirmed.text).toBe(200);
  expect(confirmed.json.recoveryCodes).toHaveLength(10);
  return { app, recoveryCodes: confirmed.json.recoveryCodes as string[] };
}

async function signedIn(client = t.client()) {
  expect((await client.signIn('sdupont', PASSWORD)).status).toBe(200);
  return client;
}

describe('two-step sign-in', () => {
  it('asks a TOTP code on another browser, counts wrong ones, and opens the session on the right one', async () => {
    const laptop = await signedIn();
    const { app } = await turnTotpOn(laptop);
    expect((await laptop.request('GET', '/api/two-factor')).json).toMatchObject({
      totp: true,
      recoveryCodesLeft: 10,
      required: false,
    });

    const phone = t.client({ newDevice: true });
    const first = await phone.signIn('sdupont', PASSWORD);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ next: 'second_factor', methods: ['totp', 'recovery'] });
    expect((await phone.request('GET', '/api/session')).status).toBe(401);

    const wrong = await phone.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.wrong(),
      trustDevice: false,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ code: 'second_factor.invalid', attemptsLeft: 4 });

    const right = await phone.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.next(),
      trustDevice: false,
    });
    expect(right.status, right.text).toBe(200);
    expect(right.json.account.identifier).toBe('sdupont');
    expect((await phone.request('GET', '/api/session')).status).toBe(200);
    // The pending sign-in is spent: the same proof cannot open a second session.
    const again = await phone.request('POST', '/api/session/second-factor', {
      method: 'recovery',
      code: 'aaaaa-aaaaa',
      trustDevice: false,
    });
    expect(again.json.code).toBe('auth.pending_expired');
  });

  it('ends the pending sign-in after five wrong codes', async () => {
    const { app } = await turnTotpOn(await signedIn());
    const phone = t.client({ newDevice: true });
    await phone.signIn('sdupont', PASSWORD);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await phone.request('POST', '/api/session/second-factor', {
        method: 'totp',
        code: app.wrong(),
        trustDevice: false,
      });
      answers.push(`${response.json.code}:${response.json.attemptsLeft ?? ''}`);
    }
    expect(answers).toEqual([
      'second_factor.invalid:4',
      'second_factor.invalid:3',
      'second_factor.invalid:2',
      'second_factor.invalid:1',
      'auth.pending_expired:',
    ]);
    const late = await phone.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.next(),
      trustDevice: false,
    });
    expect(late.json.code).toBe('auth.pending_expired');
  });

  it('locks the account after ten wrong codes across sign-ins, as wrong passwords do', async () => {
    const { app } = await turnTotpOn(await signedIn());
    const answers: string[] = [];
    for (let round = 0; round < 2; round++) {
      const attacker = t.client({ newDevice: true });
      expect((await attacker.signIn('sdupont', PASSWORD)).json.next).toBe('second_factor');
      for (let i = 0; i < 5; i++) {
        const response = await attacker.request('POST', '/api/session/second-factor', {
          method: 'totp',
          code: app.wrong(),
          trustDevice: false,
        });
        answers.push(response.json.code);
      }
    }
    expect(answers.slice(-2)).toEqual(['second_factor.invalid', 'auth.locked']);
    const locked = await t.client({ newDevice: true }).signIn('sdupont', PASSWORD);
    expect(locked.status).toBe(423);
    expect(locked.json.code).toBe('auth.locked');
    expect((await t.cli('user', 'unlock', 'sdupont')).code).toBe(0);
    // Unlocked, the account starts afresh: one more wrong code does not lock it again.
    const owner = t.client({ newDevice: true });
    expect((await owner.signIn('sdupont', PASSWORD)).json.next).toBe('second_factor');
    const typo = await owner.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.wrong(),
      trustDevice: false,
    });
    expect(typo.json).toMatchObject({ code: 'second_factor.invalid', attemptsLeft: 4 });
  });

  it('answers any body to a live second step with a 4xx problem, and never opens a session', async () => {
    const { recoveryCodes } = await turnTotpOn(await signedIn());
    const phone = t.client({ newDevice: true });
    await phone.signIn('sdupont', PASSWORD);
    const method = fc.constantFrom('totp', 'recovery', 'passkey', 'sms', 42, null);
    const body = fc.oneof(
      fc.json().map((text) => JSON.parse(text) as unknown),
      fc.record({ method, code: fc.string({ maxLength: 80 }), trustDevice: fc.boolean() }),
      fc.record({ method, response: fc.jsonValue(), trustDevice: fc.anything() }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const answer = await phone.request('POST', '/api/session/second-factor', value);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }),
      { seed: 20261206, numRuns: 120 },
    );
    expect((await phone.request('GET', '/api/session')).status).toBe(401);
    // Unspent: the recovery codes all still work.
    expect((await phone.request('GET', '/api/two-factor')).status).toBe(401);
    const count = await t.server.facteur.ctx.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(recoveryCodes.length);
  });

  it('takes a recovery code once, in any case and without the dash', async () => {
    const { recoveryCodes } = await turnTotpOn(await signedIn());
    const code = recoveryCodes[3] as string;
    const tablet = t.client({ newDevice: true });
    await tablet.signIn('sdupont', PASSWORD);
    const used = await tablet.request('POST', '/api/session/second-factor', {
      method: 'recovery',
      code: code.replace('-', '').toUpperCase(),
      trustDevice: false,
    });
    expect(used.status, used.text).toBe(200);

    const other = t.client({ newDevice: true });
    await other.signIn('sdupont', PASSWORD);
    const reused = await other.request('POST', '/api/session/second-factor', {
      method: 'recovery',
      code,
      trustDevice: false,
    });
    expect(reused.json).toMatchObject({ code: 'second_factor.invalid', attemptsLeft: 4 });
    const status = await tablet.request('GET', '/api/two-factor');
    expect(status.json.recoveryCodesLeft).toBe(9);
  });

  it('skips the second step on a trusted browser until the trust is forgotten', async () => {
    const laptop = await signedIn();
    const { app } = await turnTotpOn(laptop);
    const phone = t.client({ newDevice: true });
    await phone.signIn('sdupont', PASSWORD);
    const trusted = await phone.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.next(),
      trustDevice: true,
    });
    expect(trusted.status).toBe(200);
    expect((await phone.request('DELETE', '/api/session')).status).toBe(204);
    const direct = await phone.signIn('sdupont', PASSWORD);
    expect(direct.json.account?.identifier).toBe('sdupont');
    expect((await laptop.request('GET', '/api/two-factor')).json.trustedDevices).toBe(1);

    const forgot = await laptop.request('POST', '/api/two-factor/forget-devices');
    expect(forgot.json.trustedDevices).toBe(0);
    await phone.request('DELETE', '/api/session');
    expect((await phone.signIn('sdupont', PASSWORD)).json.next).toBe('second_factor');
  });

  it('keeps a pending sign-in on the browser the password was typed in', async () => {
    const { app } = await turnTotpOn(await signedIn());
    const phone = t.client({ newDevice: true });
    await phone.signIn('sdupont', PASSWORD);
    const thief = t.client({ newDevice: true });
    thief.cookies.set('facteur_pending', phone.cookies.get('facteur_pending') as string);
    const stolen = await thief.request('POST', '/api/session/second-factor', {
      method: 'totp',
      code: app.next(),
      trustDevice: false,
    });
    expect(stolen.json.code).toBe('auth.pending_expired');
  });

  it('refuses to turn TOTP on without the account password, and turns it off with it', async () => {
    const laptop = await signedIn();
    const refused = await laptop.request('POST', '/api/two-factor/totp', {
      currentPassword: 'Pas-le-bon-1!',
    });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('password.current_wrong');
    expect((await laptop.request('GET', '/api/two-factor')).json.totp).toBe(false);

    await turnTotpOn(laptop);
    const off = await laptop.request('POST', '/api/two-factor/totp/disable', { currentPassword: PASSWORD });
    expect(off.json).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
    const phone = t.client({ newDevice: true });
    expect((await phone.signIn('sdupont', PASSWORD)).json.account?.identifier).toBe('sdupont');
  });

  it('takes a passkey for the second step, against this sign-in’s challenge only', async () => {
    const laptop = await signedIn();
    const { options } = (
      await laptop.request('POST', '/api/passkeys/registration-options', { currentPassword: PASSWORD })
    ).json;
    const key = createSoftAuthenticator();
    const added = await laptop.request('POST', '/api/passkeys', {
      name: 'Clé USB',
      response: key.register(options, t.baseUrl),
    });
    expect(added.status, added.text).toBe(201);
    // A passkey alone is a second factor (recovery codes are made from the settings).
    expect((await laptop.request('GET', '/api/two-factor')).json).toMatchObject({ totp: false, passkeys: 1 });

    const phone = t.client({ newDevice: true });
    expect((await phone.signIn('sdupont', PASSWORD)).json).toEqual({
      next: 'second_factor',
      methods: ['passkey'],
    });
    // An answer with no challenge offered is refused.
    const unasked = await phone.request('POST', '/api/session/second-factor', {
      method: 'passkey',
      response: { id: key.credentialId },
      trustDevice: false,
    });
    expect(unasked.json).toMatchObject({ code: 'second_factor.invalid', attemptsLeft: 4 });
    const offered = await phone.request('POST', '/api/session/passkey-options');
    expect(offered.status, offered.text).toBe(200);
    expect(offered.json.allowCredentials.map((c: { id: string }) => c.id)).toEqual([key.credentialId]);
    const answer = key.assert(offered.json, t.baseUrl);
    const signed = await phone.request('POST', '/api/session/second-factor', {
      method: 'passkey',
      response: answer,
      trustDevice: false,
    });
    expect(signed.status, signed.text).toBe(200);
    expect(signed.json.account.identifier).toBe('sdupont');

    // The same answer on another sign-in: another challenge, refused.
    const thief = t.client({ newDevice: true });
    await thief.signIn('sdupont', PASSWORD);
    await thief.request('POST', '/api/session/passkey-options');
    const replayed = await thief.request('POST', '/api/session/second-factor', {
      method: 'passkey',
      response: answer,
      trustDevice: false,
    });
    expect(replayed.json.code).toBe('second_factor.invalid');
    expect((await thief.request('GET', '/api/session')).status).toBe(401);
  });

  it('leads a profile that requires it to enrol before any session, and keeps TOTP on after', async () => {
    const browser = t.client();
    const first = await browser.signIn('pbernard', PASSWORD);
    expect(first.json).toEqual({ next: 'enrol' });
    expect((await browser.request('GET', '/api/session')).status).toBe(401);
    // A pending enrolment is not a pending second step.
    const shortcut = await browser.request('POST', '/api/session/second-factor', {
      method: 'recovery',
      code: 'aaaaa-aaaaa',
      trustDevice: true,
    });
    expect(shortcut.json.code).toBe('auth.pending_expired');

    const setup = await browser.request('POST', '/api/session/enrolment/totp');
    expect(setup.status, setup.text).toBe(200);
    const app = authenticator(setup.json.secret);
    const bad = await browser.request('POST', '/api/session/enrolment/totp/confirm', { code: app.wrong() });
    expect(bad.json.code).toBe('totp.code_invalid');
    const done = await browser.request('POST', '/api/session/enrolment/totp/confirm', { code: app.next() });
    expect(done.status, done.text).toBe(200);
    expect(done.json.recoveryCodes).toHaveLength(10);
    expect(done.json.session.account.identifier).toBe('pbernard');
    expect((await browser.request('GET', '/api/session')).status).toBe(200);

    const off = await browser.request('POST', '/api/two-factor/totp/disable', { currentPassword: PASSWORD });
    expect(off.status).toBe(409);
    expect(off.json.code).toBe('two_factor.required');
  });
});
