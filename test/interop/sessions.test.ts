/**
 * Active sessions and new-device notices over the web API: a second browser signing in puts a
 * "Nouvelle connexion" notice in the Inbox (not the first sign-in ever, not a known browser again),
 * and to the recovery address on file; the owner lists their sessions (browser, address and its
 * place, this one marked), ends one or all the others, and nobody else can end them. The place is a
 * network named by FACTEUR_NETWORK_NAMES, else this computer, a local network or nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpClient, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0';
const CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
let t: TestServer;

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
  ]);
});

afterEach(async () => {
  await t.close();
});

async function signIn(client: HttpClient, login: string, userAgent: string) {
  const response = await client.request(
    'POST',
    '/api/session',
    { login, password: PASSWORD },
    { 'user-agent': userAgent },
  );
  expect(response.status, response.text).toBe(200);
}

/** Subjects and texts of the notices in Sylvie's Inbox, read over JMAP. */
async function notices(client: HttpClient) {
  const session = (await client.request('GET', '/jmap/session')).json;
  const accountId = session.primaryAccounts['urn:ietf:params:jmap:mail'];
  const response = await client.request('POST', '/jmap/api', {
    using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
    methodCalls: [
      ['Email/query', { accountId, filter: { subject: 'Nouvelle connexion' } }, 'q'],
      [
        'Email/get',
        {
          accountId,
          '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
          properties: ['subject', 'from', 'bodyValues', 'textBody'],
          fetchTextBodyValues: true,
        },
        'g',
      ],
    ],
  });
  const list = response.json.methodResponses[1][1].list as {
    subject: string;
    from: { email: string }[];
    bodyValues: Record<string, { value: string }>;
  }[];
  return list.map((email) => ({
    subject: email.subject,
    from: email.from[0]?.email,
    text: Object.values(email.bodyValues)[0]?.value ?? '',
  }));
}

describe('sessions and new devices', () => {
  it('tells the owner of a sign-in from a new browser, once, and never of the first one', async () => {
    const laptop = t.client({ newDevice: true });
    await signIn(laptop, 'sdupont', FIREFOX);
    expect(await notices(laptop)).toEqual([]);
    // The same browser again (its device cookie kept): nothing.
    await signIn(laptop, 'sdupont', FIREFOX);
    expect(await notices(laptop)).toEqual([]);

    const phone = t.client({ newDevice: true });
    await signIn(phone, 'sylvie.dupont@ac-test.fr', CHROME);
    const [notice, ...more] = await notices(laptop);
    expect(more).toEqual([]);
    expect(notice?.subject).toBe('Nouvelle connexion à votre messagerie / New sign-in to your mailbox');
    expect(notice?.from).toBe('no-reply@ac-test.fr');
    expect(notice?.text).toContain('Navigateur : Chrome 131 sur Android');
    expect(notice?.text).toContain('Adresse IP : 127.0.0.1');
    expect(notice?.text).toContain('Browser: Chrome 131 on Android');
    expect(notice?.text).not.toContain(PASSWORD);

    // A forged device cookie is replaced, and counts as a new device.
    const forged = t.client({ newDevice: true });
    forged.cookies.set('facteur_device', 'not-a-token');
    await signIn(forged, 'sdupont', CHROME);
    expect(forged.cookies.get('facteur_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await notices(laptop)).toHaveLength(2);
  });

  it('also tells the recovery address on file, where an intruder cannot delete it', async () => {
    await t.server.facteur.ctx.db
      .updateTable('accounts')
      .set({ recovery_email: 'Jean.Martin@ac-test.fr' })
      .where('identifier', '=', 'sdupont')
      .execute();
    const laptop = t.client({ newDevice: true });
    await signIn(laptop, 'sdupont', FIREFOX);
    const phone = t.client({ newDevice: true });
    await signIn(phone, 'sdupont', CHROME);
    expect(await notices(laptop)).toHaveLength(1);
    const jean = t.client({ newDevice: true });
    await signIn(jean, 'jmartin', FIREFOX);
    const [copy, ...more] = await notices(jean);
    expect(more).toEqual([]);
    expect(copy?.from).toBe('no-reply@ac-test.fr');
    expect(copy?.text).toContain('Bonjour Sylvie,');
    expect(copy?.text).toContain('Navigateur : Chrome 131 sur Android');
  });

  it('names the place of each session from the institution’s networks', async () => {
    const named = await startServerWithUsers(PASSWORD, [['Claire', 'Petit']], {
      env: { FACTEUR_NETWORK_NAMES: '10.0.0.0/8=Rectorat;127.0.0.0/8=Salle serveurs;127.0.0.0/24=Baie 1' },
    });
    try {
      const browser = named.client({ newDevice: true });
      await signIn(browser, 'cpetit', FIREFOX);
      const [session] = (await browser.request('GET', '/api/sessions')).json.sessions;
      expect(session).toMatchObject({ ip: '127.0.0.1', place: { kind: 'named', name: 'Baie 1' } });
    } finally {
      await named.close();
    }
  });

  it('lists the owner’s sessions and ends one, or all the others', async () => {
    const laptop = t.client({ newDevice: true });
    await signIn(laptop, 'sdupont', FIREFOX);
    const phone = t.client({ newDevice: true });
    await signIn(phone, 'sdupont', CHROME);
    const jean = t.client({ newDevice: true });
    await signIn(jean, 'jmartin', FIREFOX);

    const listed = (await laptop.request('GET', '/api/sessions')).json;
    expect(listed.idleTimeoutMs).toBeGreaterThan(0);
    expect(listed.sessions).toHaveLength(2);
    const mine = listed.sessions.find((s: { current: boolean }) => s.current);
    const other = listed.sessions.find((s: { current: boolean }) => !s.current);
    expect(mine).toMatchObject({
      browser: 'Firefox 132',
      os: 'Windows',
      mobile: false,
      ip: '127.0.0.1',
      place: { kind: 'loopback' },
    });
    expect(other).toMatchObject({ browser: 'Chrome 131', os: 'Android', mobile: true });
    expect(other.id).toMatch(/^[0-9a-f]{32}$/);

    // Jean can neither see nor end Sylvie's sessions.
    expect((await jean.request('GET', '/api/sessions')).json.sessions).toHaveLength(1);
    expect((await jean.request('DELETE', `/api/sessions/${other.id}`)).status).toBe(404);
    expect((await phone.request('GET', '/api/session')).status).toBe(200);

    expect((await laptop.request('DELETE', `/api/sessions/${other.id}`)).status).toBe(204);
    expect((await phone.request('GET', '/api/session')).status).toBe(401);
    expect((await laptop.request('DELETE', `/api/sessions/${other.id}`)).status).toBe(404);

    const tablet = t.client({ newDevice: true });
    await signIn(tablet, 'sdupont', CHROME);
    const again = t.client({ newDevice: true });
    await signIn(again, 'sdupont', CHROME);
    const ended = await laptop.request('POST', '/api/sessions/sign-out-others');
    expect(ended.json).toEqual({ closed: 2 });
    expect((await tablet.request('GET', '/api/session')).status).toBe(401);
    expect((await again.request('GET', '/api/session')).status).toBe(401);
    expect((await laptop.request('GET', '/api/session')).status).toBe(200);
    expect((await jean.request('GET', '/api/session')).status).toBe(200);

    // Ending one's own session from the list is signing out.
    const current = (await laptop.request('GET', '/api/sessions')).json.sessions[0];
    expect((await laptop.request('DELETE', `/api/sessions/${current.id}`)).status).toBe(204);
    expect((await laptop.request('GET', '/api/session')).status).toBe(401);

    const audit = JSON.parse(
      (await t.cli('audit', 'list', '--user', 'sdupont', '--action', 'session.', '--json')).stdout,
    );
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['session.new_device', 'session.revoked', 'session.revoked_others']),
    );
    const signIns = JSON.parse(
      (await t.cli('audit', 'list', '--user', 'sdupont', '--action', 'auth.', '--json')).stdout,
    );
    expect(signIns.map((e: { action: string }) => e.action)).toContain('auth.signin');
    const failed = await t
      .client()
      .request('POST', '/api/session', { login: 'sdupont', password: 'Mauvais-1234!' });
    expect(failed.status).toBe(401);
    const [last] = JSON.parse(
      (await t.cli('audit', 'list', '--user', 'sdupont', '--limit', '1', '--json')).stdout,
    );
    expect(last).toMatchObject({
      action: 'auth.signin_failed',
      details: { client: '127.0.0.1', protocol: 'web' },
    });
    expect(JSON.stringify(last)).not.toContain('Mauvais');
  });
});
