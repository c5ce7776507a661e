/**
 * The password-reset link end to end over HTTP, in-process: the request mails a bilingual link to
 * the recovery address (another local account, read back over JMAP), the link's token opens the
 * reset, a new password under the policy replaces the old one, every session and app password of
 * the account goes, the lockout is lifted, and the link never works twice; a later request voids an
 * earlier link, and a link dies after 30 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppPassword } from '../../src/core/auth/index.js';
import { findAccountByIdentifier } from '../../src/store/sql/index.js';
import { type HttpClient, signInJmap, startTestServer, type TestServer } from '../helpers/facteur.js';
import { FAST_RECOVERY_ENV, solvedCaptcha } from '../helpers/recovery.js';

const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const MARIE_PASSWORD = 'Recup-Boite-2026!';
const NEW_PASSWORD = 'Nouveau-Depart-2026!';

describe('password reset link', () => {
  let t: TestServer;
  let marie: Awaited<ReturnType<typeof signInJmap>>;

  beforeAll(async () => {
    t = await startTestServer({
      env: { ...FAST_RECOVERY_ENV, FACTEUR_PUBLIC_URL: 'https://webmail.ac-test.fr' },
    });
    await t.addUser('Marie', 'Curie', '--password', MARIE_PASSWORD);
    await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
    marie = await signInJmap(t, 'mcurie', MARIE_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  async function addPerson(first: string, last: string, numen: string, recovery = 'marie.curie@ac-test.fr') {
    await t.addUser(
      first,
      last,
      '--numen',
      numen,
      '--birth-date',
      '1975-03-02',
      '--recovery-email',
      recovery,
    );
  }

  async function requestReset(client: HttpClient, numen: string) {
    const response = await client.request('POST', '/api/recovery/password-reset', {
      numen,
      birthDate: '02/03/1975',
      altcha: await solvedCaptcha(client),
    });
    expect(response.status).toBe(202);
  }

  /** The reset mails in Marie's Inbox naming `identifier`, newest first, as JMAP shows them. */
  async function resetMails(identifier: string) {
    const call = async (name: string, args: Record<string, unknown>) => {
      const response = await marie.client.request('POST', '/jmap/api', {
        using: [CORE, MAIL],
        methodCalls: [[name, { accountId: marie.accountId, ...args }, 'c']],
      });
      return response.json.methodResponses[0][1];
    };
    const { ids } = await call('Email/query', { sort: [{ property: 'receivedAt', isAscending: false }] });
    const { list } = await call('Email/get', {
      ids,
      properties: ['subject', 'from', 'textBody', 'bodyValues', 'header:Auto-Submitted:asText'],
      fetchTextBodyValues: true,
    });
    interface JmapMail {
      subject: string;
      from: { email: string }[];
      bodyValues: Record<string, { value: string }>;
      'header:Auto-Submitted:asText': string;
    }
    return (list as JmapMail[])
      .map((mail) => ({
        subject: mail.subject,
        from: mail.from[0]?.email,
        autoSubmitted: mail['header:Auto-Submitted:asText'],
        text: Object.values(mail.bodyValues)
          .map((v) => v.value)
          .join('\n'),
      }))
      .filter((mail) => mail.text.includes(`du compte ${identifier} (`));
  }

  async function linkFor(identifier: string, count = 1): Promise<string> {
    await expect.poll(async () => (await resetMails(identifier)).length, { timeout: 10_000 }).toBe(count);
    const [mail] = await resetMails(identifier);
    const link = /https:\/\/webmail\.ac-test\.fr\/aide\/nouveau-mot-de-passe#([A-Za-z0-9_-]{43})/.exec(
      mail?.text ?? '',
    );
    expect(link, mail?.text).not.toBeNull();
    return link?.[1] as string;
  }

  it('mails a bilingual single-use link that sets a new password and signs everyone out', async () => {
    await addPerson('Jean', 'Valjean', '11AA2233445BB');
    const account = await findAccountByIdentifier(t.server.facteur.ctx.db, 'jvaljean');
    if (!account) throw new Error('no account');
    // Before: a signed-in session, an app password and a lockout.
    const before = t.client({ newDevice: true });
    expect((await before.signIn('jvaljean', '11AA2233445BB')).status).toBe(200);
    await createAppPassword(t.server.facteur.ctx, account, {
      name: 'Thunderbird',
      currentPassword: '11AA2233445BB',
    });
    const appPasswords = () =>
      t.server.facteur.ctx.db
        .selectFrom('app_passwords')
        .selectAll()
        .where('account_id', '=', account.id)
        .execute();
    expect(await appPasswords()).toHaveLength(1);
    await t.server.facteur.ctx.db
      .updateTable('accounts')
      .set({ locked_until: Date.now() + 3_600_000 })
      .where('id', '=', account.id)
      .execute();

    const visitor = t.client({ newDevice: true });
    await requestReset(visitor, '11 aa 2233445bb');
    const token = await linkFor('jvaljean');
    const [mail] = await resetMails('jvaljean');
    expect(mail?.subject).toBe('Réinitialisation de votre mot de passe / Password reset');
    expect(mail?.from).toBe('no-reply@ac-test.fr');
    expect(mail?.autoSubmitted).toBe('auto-generated');
    expect(mail?.text.indexOf('Bonjour Jean')).toBeLessThan(mail?.text.indexOf('Hello Jean') ?? 0);

    const info = await visitor.request('POST', '/api/recovery/reset-token', { token });
    expect(info.status).toBe(200);
    expect(info.json).toEqual({
      identifier: 'jvaljean',
      address: 'jean.valjean@ac-test.fr',
      firstName: 'Jean',
      lastName: 'Valjean',
      birthDateKnown: true,
    });
    // The policy applies, and a refused password does not spend the link.
    const weak = await visitor.request('POST', '/api/recovery/new-password', {
      token,
      newPassword: 'Valjean-1975-xx',
    });
    expect(weak.status).toBe(400);
    expect(weak.json.code).toBe('password.policy');
    expect(weak.json.violations).toContain('contains_name');

    const done = await visitor.request('POST', '/api/recovery/new-password', {
      token,
      newPassword: NEW_PASSWORD,
    });
    expect(done.status).toBe(204);
    const again = await visitor.request('POST', '/api/recovery/new-password', {
      token,
      newPassword: `${NEW_PASSWORD}x`,
    });
    expect(again.status).toBe(410);
    expect(again.json.code).toBe('recovery.token_invalid');

    expect((await before.request('GET', '/api/session')).status).toBe(401);
    expect((await t.client({ newDevice: true }).signIn('jvaljean', '11AA2233445BB')).status).toBe(401);
    const after = await t.client({ newDevice: true }).signIn('jvaljean', NEW_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.json.mustChangePassword).toBe(false);
    const db = t.server.facteur.ctx.db;
    expect(await appPasswords()).toEqual([]);
    const row = await findAccountByIdentifier(db, 'jvaljean');
    expect(row?.locked_until).toBeNull();
    const actions = (
      await db.selectFrom('audit_log').select('action').where('target', '=', 'jvaljean').execute()
    ).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });

  it('voids a link when a later one is asked for, and refuses links once expired', async () => {
    await addPerson('Cosette', 'Fauchelevent', '22CC3344556DD');
    const visitor = t.client({ newDevice: true });
    await requestReset(visitor, '22CC3344556DD');
    const first = await linkFor('cfauchelevent');
    await requestReset(visitor, '22CC3344556DD');
    const second = await linkFor('cfauchelevent', 2);
    expect(second).not.toBe(first);
    expect((await visitor.request('POST', '/api/recovery/reset-token', { token: first })).status).toBe(410);
    expect((await visitor.request('POST', '/api/recovery/reset-token', { token: second })).status).toBe(200);

    await t.server.facteur.ctx.db
      .updateTable('password_resets')
      .set({ expires_at: Date.now() - 1 })
      .execute();
    const expired = await visitor.request('POST', '/api/recovery/new-password', {
      token: second,
      newPassword: NEW_PASSWORD,
    });
    expect(expired.status).toBe(410);
    expect(expired.json.code).toBe('recovery.token_invalid');
  });
});
