/**
 * The passkey routes over real HTTP, with a software authenticator playing the browser: the account
 * password asked again, registration for the site the request came to (and, behind a trusted proxy,
 * the forwarded one), the list, removal refused while it is the last factor of a profile that
 * requires two-step sign-in, and the session + CSRF rules. The relying party the routes derive is
 * the one the sign-in's check accepts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../../test/helpers/database.js';
import { startTestServer, type TestServer } from '../../../test/helpers/facteur.js';
import { createSoftAuthenticator } from '../../../test/helpers/soft-authenticator.js';
import { passkeySignInOptions, verifyPasskeySignIn } from '../../core/auth/index.js';
import { findAccountByIdentifier } from '../../store/sql/index.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';

describe.each(testBackends())('passkey routes on %s', (backend) => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  async function start(env: Record<string, string> = {}) {
    t = await startTestServer({ backend, env });
  }

  /**
   * A signed-in user of `profile`. A staff account without a second factor would be led to enrol at
   * sign-in (two-step.ts), so it signs in as a student and is moved to staff once its session is open.
   */
  async function signedIn(first: string, last: string, profile = 'staff') {
    const added = await t.addUser(first, last, '--json', '--password', PASSWORD, '--profile', 'student');
    const { identifier } = JSON.parse(added.stdout) as { identifier: string };
    const db = t.server.facteur.ctx.db;
    await db
      .updateTable('accounts')
      .set({ must_change_password: 0 })
      .where('identifier', '=', identifier)
      .execute();
    const client = t.client({ newDevice: true });
    expect((await client.signIn(identifier, PASSWORD)).json.account?.identifier).toBe(identifier);
    const target = await db
      .selectFrom('profiles')
      .select('id')
      .where('name', '=', profile)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('accounts')
      .set({ profile_id: target.id })
      .where('identifier', '=', identifier)
      .execute();
    return { client, identifier };
  }

  describe('on the server’s own address', () => {
    beforeEach(async () => {
      await start();
    });

    it('adds a passkey with the password asked again, lists it, and keeps the last required one', async () => {
      const { client, identifier } = await signedIn('Sylvie', 'Dupont');
      expect((await client.request('GET', '/api/passkeys')).json).toEqual({
        passkeys: [],
        max: 10,
        maxNameLength: 64,
      });

      const wrong = await client.request('POST', '/api/passkeys/registration-options', {
        currentPassword: 'Pas-le-bon-1!',
      });
      expect(wrong.status).toBe(403);
      expect(wrong.json.code).toBe('password.current_wrong');
      expect((await client.request('POST', '/api/passkeys/registration-options', {})).json.code).toBe(
        'request.invalid',
      );

      const optionsAnswer = await client.request('POST', '/api/passkeys/registration-options', {
        currentPassword: PASSWORD,
      });
      expect(optionsAnswer.status).toBe(200);
      const { options } = optionsAnswer.json;
      const host = new URL(t.baseUrl).hostname;
      expect(options.rp).toEqual({ id: host, name: expect.any(String) });
      expect(options.user.name).toBe('sylvie.dupont@ac-test.fr');

      const key = createSoftAuthenticator();
      const badName = await client.request('POST', '/api/passkeys', {
        name: '',
        response: key.register(options, t.baseUrl),
      });
      expect(badName.status).toBe(400);
      expect(badName.json).toMatchObject({ code: 'passkey.name_invalid', maxLength: 64 });
      const created = await client.request('POST', '/api/passkeys', {
        name: 'Clé USB',
        response: key.register(options, t.baseUrl),
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ name: 'Clé USB', lastUsedAt: null, synced: false });
      const again = await client.request('POST', '/api/passkeys', {
        name: 'Clé USB',
        response: key.register(options, t.baseUrl),
      });
      expect(again.status).toBe(409);
      expect(again.json.code).toBe('passkey.challenge_expired');
      expect((await client.request('GET', '/api/passkeys')).json.passkeys).toEqual([created.json]);

      // The relying party the routes used is the one the sign-in's check takes for this site.
      const { ctx } = t.server.facteur;
      const account = await findAccountByIdentifier(ctx.db, identifier);
      if (!account) throw new Error('no account');
      const rp = { id: host, name: 'x', origin: t.baseUrl };
      const signIn = await passkeySignInOptions(ctx, account, rp);
      expect(
        await verifyPasskeySignIn(ctx, account, rp, key.assert(signIn.options, t.baseUrl), signIn.challenge),
      ).toBe(true);
      expect((await client.request('GET', '/api/passkeys')).json.passkeys[0].lastUsedAt).not.toBeNull();

      // Staff must keep a second factor.
      const refused = await client.request('DELETE', `/api/passkeys/${created.json.id}`);
      expect(refused.status).toBe(409);
      expect(refused.json.code).toBe('two_factor.required');
      expect((await client.request('GET', '/api/passkeys')).json.passkeys).toHaveLength(1);
    });

    it('removes a student’s passkey, and only the account’s own', async () => {
      const jean = await signedIn('Jean', 'Martin', 'student');
      const agathe = await signedIn('Agathe', 'Rousseau', 'student');
      const { options } = (
        await jean.client.request('POST', '/api/passkeys/registration-options', { currentPassword: PASSWORD })
      ).json;
      const created = await jean.client.request('POST', '/api/passkeys', {
        name: 'Téléphone',
        response: createSoftAuthenticator().register(options, t.baseUrl),
      });
      expect(created.status).toBe(201);
      const path = `/api/passkeys/${created.json.id}`;
      expect((await agathe.client.request('DELETE', path)).json.code).toBe('passkey.not_found');
      expect((await agathe.client.request('GET', '/api/passkeys')).json.passkeys).toEqual([]);
      // Without the CSRF header, nothing happens.
      expect((await jean.client.request('DELETE', path, undefined, { 'x-csrf-token': 'x' })).status).toBe(
        403,
      );
      expect((await jean.client.request('DELETE', path)).status).toBe(204);
      expect((await jean.client.request('GET', '/api/passkeys')).json.passkeys).toEqual([]);
      expect((await t.client().request('GET', '/api/passkeys')).status).toBe(401);
    });

    it('refuses a passkey made for another site', async () => {
      const { client } = await signedIn('Jean', 'Martin', 'student');
      const { options } = (
        await client.request('POST', '/api/passkeys/registration-options', { currentPassword: PASSWORD })
      ).json;
      const phished = await client.request('POST', '/api/passkeys', {
        name: 'Clé',
        response: createSoftAuthenticator().register(options, 'https://ac-test.fr.evil.example'),
      });
      expect(phished.status).toBe(400);
      expect(phished.json.code).toBe('passkey.invalid');
    });
  });

  it('takes the public site from a trusted reverse proxy', async () => {
    await start({ FACTEUR_TRUST_PROXY: 'true' });
    const { client } = await signedIn('Jean', 'Martin', 'student');
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'webmail.ac-test.fr' };
    const optionsFor = async () =>
      (
        await client.request(
          'POST',
          '/api/passkeys/registration-options',
          { currentPassword: PASSWORD },
          forwarded,
        )
      ).json.options;
    let options = await optionsFor();
    expect(options.rp.id).toBe('webmail.ac-test.fr');
    const key = createSoftAuthenticator();
    // A browser on the internal address would sign that origin: not the public site's passkey.
    const internal = await client.request(
      'POST',
      '/api/passkeys',
      { name: 'Clé', response: key.register(options, t.baseUrl) },
      forwarded,
    );
    expect(internal.json.code).toBe('passkey.invalid');
    options = await optionsFor();
    const created = await client.request(
      'POST',
      '/api/passkeys',
      { name: 'Clé', response: key.register(options, 'https://webmail.ac-test.fr') },
      forwarded,
    );
    expect(created.status).toBe(201);
  });
});
