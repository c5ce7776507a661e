/**
 * The web API over real HTTP, on both storage back ends: sign-in, lockout and unlock, throttling,
 * CSRF, forced password change, sign-out, and the problem+json shape of every refusal.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../../test/helpers/database.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../test/helpers/facteur.js';

const GOOD_PASSWORD = 'Cadran-Solaire-Ete-42!';

describe.each(testBackends())('web API on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ backend, env: { FACTEUR_CLIENT_THROTTLE_FAILURES: '1000' } });
  });
  afterEach(async () => {
    await t.close();
  });

  async function addUser(...extra: string[]) {
    const result = await t.addUser('Sylvie', 'Dupont', '--json', ...extra);
    return JSON.parse(result.stdout) as { identifier: string; address: string; provisionalPassword: string };
  }

  it('signs in by identifier and by address, and reports the forced password change', async () => {
    const user = await addUser();
    const byIdentifier = await t.client().signIn(user.identifier, user.provisionalPassword);
    expect(byIdentifier.status).toBe(200);
    expect(byIdentifier.json).toMatchObject({
      account: {
        identifier: 'sdupont',
        address: 'sylvie.dupont@ac-test.fr',
        firstName: 'Sylvie',
        role: 'user',
      },
      mustChangePassword: true,
    });
    const byAddress = await t.client().signIn('Sylvie.Dupont@AC-TEST.fr', user.provisionalPassword);
    expect(byAddress.status).toBe(200);
    expect(byAddress.json.account.identifier).toBe('sdupont');
  });

  it('sets an HttpOnly SameSite=Strict session cookie and answers the session back', async () => {
    const user = await addUser();
    const client = t.client();
    const signIn = await client.signIn(user.identifier, user.provisionalPassword);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('facteur_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = await client.request('GET', '/api/session');
    expect(session.status).toBe(200);
    expect(session.json.account.identifier).toBe('sdupont');
  });

  it('opens no session for a profile that requires two-step sign-in, only a pending cookie for /api/session', async () => {
    const client = t.client();
    const signIn = await client.signIn('admin', TEST_ADMIN_PASSWORD);
    expect(signIn.json).toEqual({ next: 'enrol' });
    const cookies = signIn.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('facteur_session='))).toBe(false);
    const pending = cookies.find((c) => c.startsWith('facteur_pending='));
    expect(pending).toMatch(/HttpOnly/);
    expect(pending).toMatch(/SameSite=Strict/);
    expect(pending).toMatch(/Path=\/api\/session/);
    expect(pending).toMatch(/Max-Age=600/);
    expect((await client.request('GET', '/api/session')).status).toBe(401);
  });

  it('answers unknown accounts and wrong passwords identically', async () => {
    await addUser();
    const unknown = await t.client().signIn('nobody', 'Whatever-123!');
    const wrong = await t.client().signIn('sdupont', 'Whatever-123!');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json).toEqual(wrong.json);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(unknown.json).toMatchObject({
      code: 'auth.invalid',
      status: 401,
      type: 'urn:facteur:problem:auth.invalid',
    });
  });

  it('locks the account at the fifth failure, refuses even the right password, and the CLI unlocks it', async () => {
    const user = await addUser();
    for (let i = 1; i <= 4; i++) {
      expect((await t.client().signIn('sdupont', `Wrong-password-${i}!`)).status).toBe(401);
    }
    const fifth = await t.client().signIn('sdupont', 'Wrong-password-5!');
    expect(fifth.status).toBe(423);
    expect(fifth.json.code).toBe('auth.locked');
    const lockedUntil = Date.parse(fifth.json.lockedUntil);
    expect(lockedUntil - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    expect((await t.client().signIn('sdupont', user.provisionalPassword)).status).toBe(423);
    const shown = JSON.parse((await t.cli('user', 'show', 'sdupont', '--json')).stdout);
    expect(shown.locked).toBe(true);
    const unlock = await t.cli('user', 'unlock', 'sdupont');
    expect(unlock).toMatchObject({ code: 0, stdout: 'sdupont unlocked' });
    expect((await t.client().signIn('sdupont', user.provisionalPassword)).status).toBe(200);
  });

  it('refuses a disabled account after a correct password and ends its sessions', async () => {
    const user = await addUser();
    const client = t.client();
    expect((await client.signIn('sdupont', user.provisionalPassword)).status).toBe(200);
    expect((await t.cli('user', 'disable', 'sdupont')).code).toBe(0);
    expect((await client.request('GET', '/api/session')).status).toBe(401);
    const again = await t.client().signIn('sdupont', user.provisionalPassword);
    expect(again.status).toBe(403);
    expect(again.json.code).toBe('auth.disabled');
    expect((await t.client().signIn('sdupont', 'Wrong-Password-1!')).json.code).toBe('auth.invalid');
  });

  it('refuses state changes without the CSRF token and changes nothing', async () => {
    await addUser();
    const response = await fetch(`${t.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'facteur_csrf=abc' },
      body: JSON.stringify({ login: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('csrf.invalid');
    expect(response.headers.getSetCookie().some((c) => c.startsWith('facteur_session='))).toBe(false);
  });

  it('forces the password change: refuses weak or personal passwords with reasons, accepts a good one', async () => {
    const user = await addUser('--birth-date', '1985-03-14');
    const client = t.client();
    await client.signIn('sdupont', user.provisionalPassword);
    const change = (newPassword: string, currentPassword = user.provisionalPassword) =>
      client.request('POST', '/api/password', { currentPassword, newPassword });

    const short = await change('abc');
    expect(short.status).toBe(400);
    expect(short.json.code).toBe('password.policy');
    expect(short.json.violations).toEqual(
      expect.arrayContaining(['too_short', 'no_uppercase', 'no_digit', 'no_symbol']),
    );
    expect((await change('Sylvie-Tournesol-42!')).json.violations).toContain('contains_name');
    expect((await change('Tournesol-14031985-Ab!')).json.violations).toContain('contains_birth_date');
    const wrongCurrent = await change(GOOD_PASSWORD, 'Not-the-password-1!');
    expect(wrongCurrent.status).toBe(403);
    expect(wrongCurrent.json.code).toBe('password.current_wrong');
    expect((await client.request('GET', '/api/session')).json.mustChangePassword).toBe(true);

    const other = t.client();
    await other.signIn('sdupont', user.provisionalPassword);
    const ok = await change(GOOD_PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.json.mustChangePassword).toBe(false);
    expect((await other.request('GET', '/api/session')).status).toBe(401);
    expect((await t.client().signIn('sdupont', user.provisionalPassword)).status).toBe(401);
    expect((await t.client().signIn('sdupont', GOOD_PASSWORD)).json.mustChangePassword).toBe(false);
  });

  it('signs out and the session is gone', async () => {
    const user = await addUser();
    const client = t.client();
    await client.signIn(user.identifier, user.provisionalPassword);
    const out = await client.request('DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect((await client.request('GET', '/api/session')).json.code).toBe('auth.required');
  });

  it('answers malformed bodies and unknown routes with problems', async () => {
    const client = t.client();
    const bad = await client.request('POST', '/api/session', { login: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('request.invalid');
    const missing = await client.request('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('route.not_found');
  });

  it('never writes a password or a session token to the logs', async () => {
    const user = await addUser();
    const client = t.client();
    await client.signIn('sdupont', 'Wrong-Secret-Value-9!');
    await client.signIn('sdupont', user.provisionalPassword);
    await client.request('POST', '/api/password', {
      currentPassword: user.provisionalPassword,
      newPassword: GOOD_PASSWORD,
    });
    const logs = t.logs.join('');
    expect(logs).toContain('auth.signin.failed');
    for (const secret of [
      'Wrong-Secret-Value-9!',
      user.provisionalPassword,
      GOOD_PASSWORD,
      client.cookies.get('facteur_session') ?? 'x',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('per-client throttling', () => {
  it('slows a client down after its failures, with Retry-After, before any account locks', async () => {
    const t = await startTestServer({ env: { FACTEUR_CLIENT_THROTTLE_FAILURES: '3' } });
    try {
      for (const login of ['a1', 'a2', 'a3']) expect((await t.client().signIn(login, 'x')).status).toBe(401);
      const throttled = await t.client().signIn('admin', TEST_ADMIN_PASSWORD);
      expect(throttled.status).toBe(429);
      expect(throttled.json.code).toBe('auth.throttled');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});

describe('hostile input', () => {
  it('answers any JSON body or raw bytes on the API with a 4xx problem, never a 5xx', async () => {
    const t = await startTestServer({ env: { FACTEUR_CLIENT_THROTTLE_FAILURES: '100000' } });
    try {
      const client = t.client();
      await client.request('GET', '/api/portal');
      const csrf = client.cookies.get('facteur_csrf') ?? '';
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            '/api/session',
            '/api/password',
            '/api/session/second-factor',
            '/api/session/passkey-options',
            '/api/session/enrolment/totp/confirm',
            '/api/two-factor/totp',
          ),
          fc.oneof(
            fc.json(),
            fc.string(),
            fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
          ),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          async (path, body, contentType) => {
            const response = await fetch(t.baseUrl + path, {
              method: 'POST',
              headers: { 'content-type': contentType, cookie: `facteur_csrf=${csrf}`, 'x-csrf-token': csrf },
              body,
            });
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
            expect(response.headers.get('content-type')).toContain('application/problem+json');
          },
        ),
        { seed: 20261125, numRuns: 150 },
      );
    } finally {
      await t.close();
    }
  });
});
