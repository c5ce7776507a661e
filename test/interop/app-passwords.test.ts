/**
 * App passwords through real clients: made in the settings API (the account password asked again),
 * then used by python imaplib (IMAP), python smtplib (SMTP submission) and curl (JMAP bearer token);
 * refused by the web sign-in; revoked at once for every protocol; revoked all by a password change;
 * one user's app passwords out of another's reach. Once two-step sign-in is on, IMAP and SMTP refuse
 * the account password and take app passwords only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticator } from '../helpers/authenticator.js';
import { run, smtplibSend } from '../helpers/clients.js';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
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

async function webSession(login: string) {
  const client = t.client();
  expect((await client.signIn(login, PASSWORD)).status).toBe(200);
  return client;
}

async function create(client: HttpClient, name: string): Promise<{ id: string; password: string }> {
  const response = await client.request('POST', '/api/app-passwords', { name, currentPassword: PASSWORD });
  expect(response.status, response.text).toBe(201);
  return { id: response.json.appPassword.id, password: response.json.password };
}

/** LOGIN then SELECT INBOX with python imaplib over TLS; the answer, or the error's text. */
async function imapLogin(login: string, password: string): Promise<string> {
  const program = [
    'import imaplib, ssl, sys',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    `M = imaplib.IMAP4_SSL('127.0.0.1', ${t.server.imapsPort}, ssl_context=ctx)`,
    'try:',
    '    M.login(sys.argv[1], sys.argv[2]); print("OK", M.select("INBOX")[0]); M.logout()',
    'except imaplib.IMAP4.error as e:',
    '    print("NO", e)',
  ].join('\n');
  const result = await run('python3', ['-c', program, login, password]);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

async function smtpSend(user: string, password: string) {
  return smtplibSend({
    port: t.server.submissionsPort,
    implicitTls: true,
    user,
    password,
    from: 'sylvie.dupont@ac-test.fr',
    to: ['jean.martin@ac-test.fr'],
    message: Buffer.from(
      'From: sylvie.dupont@ac-test.fr\r\nTo: jean.martin@ac-test.fr\r\nSubject: Depuis mon téléphone\r\n\r\nBonjour.\r\n',
      'latin1',
    ),
  });
}

/** One JMAP call with curl and a bearer token (no cookie, no CSRF header): status and body. */
async function curlJmap(token: string, path: string, extra: string[] = [], body?: unknown) {
  const post =
    body === undefined
      ? []
      : ['-X', 'POST', '-H', 'content-type: application/json', '--data', JSON.stringify(body)];
  const result = await run('curl', [
    '-sS',
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
    '-D',
    '-',
    ...post,
    ...extra,
    '-H',
    `authorization: Bearer ${token}`,
    t.baseUrl + path,
  ]);
  const end = result.stdout.indexOf('\r\n\r\n');
  const lines = result.stdout.slice(end + 4).split('\n');
  const status = Number(lines.pop());
  return { status, body: lines.join('\n'), headers: result.stdout.slice(0, end).toLowerCase() };
}

describe('app passwords', () => {
  it('are the only way into IMAP and SMTP once two-step sign-in is on, and a revoked one fails at once', async () => {
    const web = await webSession('sdupont');
    const phone = await create(web, 'Téléphone');
    expect(await imapLogin('sdupont', PASSWORD)).toMatch(/^OK OK/);
    expect((await smtpSend('sylvie.dupont@ac-test.fr', PASSWORD)).error).toBeNull();

    const setup = await web.request('POST', '/api/two-factor/totp', { currentPassword: PASSWORD });
    const code = authenticator(setup.json.secret).next();
    expect((await web.request('POST', '/api/two-factor/totp/confirm', { code })).status).toBe(200);

    expect(await imapLogin('sdupont', PASSWORD)).toMatch(/^NO .*AUTHENTICATIONFAILED/);
    expect((await smtpSend('sylvie.dupont@ac-test.fr', PASSWORD)).error?.code).toBe(535);
    expect(await imapLogin('sdupont', phone.password)).toMatch(/^OK OK/);
    expect((await smtpSend('sylvie.dupont@ac-test.fr', phone.password)).error).toBeNull();
    // Refused for a reason the audit log names, without counting towards a lockout.
    const refusals = await t.server.facteur.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'auth.signin_failed')
      .where('target', '=', 'sdupont')
      .execute();
    // (smtplib tries AUTH PLAIN then AUTH LOGIN: one refusal or more per protocol.)
    const reasons = new Set(refusals.map((r) => JSON.parse(r.details ?? '{}').reason));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect([...reasons]).toEqual(['app_password_required']);
    const account = await t.server.facteur.ctx.db
      .selectFrom('accounts')
      .select('failed_attempts')
      .where('identifier', '=', 'sdupont')
      .executeTakeFirstOrThrow();
    expect(account.failed_attempts).toBe(0);

    expect((await web.request('DELETE', `/api/app-passwords/${phone.id}`)).status).toBe(204);
    expect(await imapLogin('sdupont', phone.password)).toMatch(/^NO .*AUTHENTICATIONFAILED/);
    expect((await smtpSend('sylvie.dupont@ac-test.fr', phone.password)).error?.code).toBe(535);
  });

  it('are made with the account password, listed without their secret, and sign in to IMAP, SMTP and JMAP', async () => {
    const web = await webSession('sdupont');
    const wrong = await web.request('POST', '/api/app-passwords', {
      name: 'Téléphone',
      currentPassword: 'faux',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.json.code).toBe('password.current_wrong');
    const badName = await web.request('POST', '/api/app-passwords', {
      name: '  ',
      currentPassword: PASSWORD,
    });
    expect(badName.status).toBe(400);
    expect(badName.json.code).toBe('app_password.name_invalid');
    expect((await web.request('GET', '/api/app-passwords')).json.appPasswords).toEqual([]);

    const phone = await create(web, 'Téléphone');
    expect(phone.password).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
    const listed = await web.request('GET', '/api/app-passwords');
    expect(listed.json.appPasswords).toEqual([
      {
        id: phone.id,
        name: 'Téléphone',
        createdAt: expect.any(String),
        lastUsedAt: null,
        lastUsedProtocol: null,
      },
    ]);
    expect(listed.text).not.toContain(phone.password);

    // Typed as shown, without dashes, or in capitals: the same password.
    expect(await imapLogin('sdupont', phone.password)).toMatch(/^OK OK/);
    expect(
      await imapLogin('sylvie.dupont@ac-test.fr', phone.password.replaceAll('-', '').toUpperCase()),
    ).toMatch(/^OK OK/);
    // Another account's name with it is refused.
    expect(await imapLogin('jmartin', phone.password)).toMatch(/^NO .*AUTHENTICATIONFAILED/);

    const sent = await smtpSend('sylvie.dupont@ac-test.fr', phone.password);
    expect(sent.error).toBeNull();

    const session = await curlJmap(phone.password, '/jmap/session');
    expect(session.status).toBe(200);
    const accountId = JSON.parse(session.body).primaryAccounts['urn:ietf:params:jmap:mail'];
    const sylvie = await t.server.facteur.ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('identifier', '=', 'sdupont')
      .executeTakeFirstOrThrow();
    expect(accountId).toBe(sylvie.id);
    // POST without the CSRF header: the token is the whole credential.
    const jmap = await curlJmap(phone.password, '/jmap/api', [], {
      using: USING,
      methodCalls: [['Mailbox/get', { accountId, ids: null, properties: ['role'] }, 'm']],
    });
    expect(jmap.status, jmap.body).toBe(200);
    const [name, args] = JSON.parse(jmap.body).methodResponses[0];
    expect(name).toBe('Mailbox/get');
    expect(args.list.map((m: { role: string | null }) => m.role)).toContain('inbox');

    const used = (await web.request('GET', '/api/app-passwords')).json.appPasswords[0];
    expect(used.lastUsedAt).not.toBeNull();
    expect(['imap', 'smtp', 'jmap']).toContain(used.lastUsedProtocol);
    const audit = await t.server.facteur.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', 'sdupont')
      .where('action', 'like', 'app_password.%')
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['app_password.created', 'app_password.used']),
    );
    expect(JSON.stringify(audit)).not.toContain(phone.password);
  });

  it('never sign in to the web, and JMAP takes a bearer token alone', async () => {
    const web = await webSession('sdupont');
    const phone = await create(web, 'Tablette');
    expect((await t.client().signIn('sdupont', phone.password)).status).toBe(401);

    // Basic is refused, and a 401 says how to authenticate.
    const basic = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-D',
      '-',
      '-u',
      `sdupont:${phone.password}`,
      `${t.baseUrl}/jmap/session`,
    ]);
    expect(basic.stdout).toMatch(/^HTTP\/1\.1 401/);
    expect(basic.stdout.toLowerCase()).toContain('www-authenticate: bearer realm="facteur"');

    // A wrong token with a valid session cookie is still refused: the header alone decides.
    const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const mixed = await curlJmap('abcd-efgh-ijkl-mnop', '/jmap/session', ['-H', `cookie: ${cookie}`]);
    expect(mixed.status).toBe(401);
    expect(mixed.headers).toContain('www-authenticate: bearer');

    // The settings API never takes a bearer token.
    const planted = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      '-H',
      `authorization: Bearer ${phone.password}`,
      '-H',
      'content-type: application/json',
      '--data',
      JSON.stringify({ name: 'x', currentPassword: PASSWORD }),
      `${t.baseUrl}/api/app-passwords`,
    ]);
    expect(planted.stdout).toBe('403');
    expect((await web.request('GET', '/api/app-passwords')).json.appPasswords).toHaveLength(1);
  });

  it('stop working everywhere at once when revoked, and all of them when the password changes', async () => {
    const web = await webSession('sdupont');
    const phone = await create(web, 'Téléphone');
    const laptop = await create(web, 'Portable');
    expect((await curlJmap(phone.password, '/jmap/session')).status).toBe(200);

    // Jean can neither see nor revoke Sylvie's.
    const jean = await webSession('jmartin');
    expect((await jean.request('GET', '/api/app-passwords')).json.appPasswords).toEqual([]);
    expect((await jean.request('DELETE', `/api/app-passwords/${phone.id}`)).status).toBe(404);

    expect((await web.request('DELETE', `/api/app-passwords/${phone.id}`)).status).toBe(204);
    expect((await web.request('DELETE', `/api/app-passwords/${phone.id}`)).status).toBe(404);
    expect(await imapLogin('sdupont', phone.password)).toMatch(/^NO /);
    expect((await smtpSend('sdupont', phone.password)).error?.code).toBe(535);
    expect((await curlJmap(phone.password, '/jmap/session')).status).toBe(401);
    expect(await imapLogin('sdupont', laptop.password)).toMatch(/^OK OK/);

    const changed = await web.request('POST', '/api/password', {
      currentPassword: PASSWORD,
      newPassword: 'Un-autre-mot-de-passe-2027!',
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await web.request('GET', '/api/app-passwords')).json.appPasswords).toEqual([]);
    expect(await imapLogin('sdupont', laptop.password)).toMatch(/^NO /);
    expect((await curlJmap(laptop.password, '/jmap/session')).status).toBe(401);
  });

  it('keep working while the account password is locked out by guessing', async () => {
    const web = await webSession('sdupont');
    const phone = await create(web, 'Téléphone');
    await t.server.facteur.ctx.db
      .updateTable('accounts')
      .set({ locked_until: Date.now() + 3_600_000, failed_attempts: 10 })
      .where('identifier', '=', 'sdupont')
      .execute();
    expect(await imapLogin('sdupont', PASSWORD)).toMatch(/^NO /);
    expect(await imapLogin('sdupont', phone.password)).toMatch(/^OK OK/);
  });

  it('give a JMAP client the same mail as the webmail', async () => {
    const { client, accountId } = await signInJmap(t, 'sdupont', PASSWORD);
    const phone = await create(client, 'Client JMAP');
    const body = {
      using: USING,
      methodCalls: [['Mailbox/get', { accountId, ids: null, properties: ['name', 'role'] }, 'm']],
    };
    const byCookie = await client.request('POST', '/jmap/api', body);
    const byToken = await fetch(`${t.baseUrl}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${phone.password}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(byToken.status).toBe(200);
    expect((await byToken.json()).methodResponses).toEqual(byCookie.json.methodResponses);
  });
});
