/**
 * The MX's per-address recipient rate limit, through swaks: a client over its budget is told to come
 * back later (451 4.7.1), nothing of the refused transaction is stored, and the default exempts this
 * host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({ env });
  await server.addUser('Sylvie', 'Dupont');
  return server;
}

const send = (server: TestServer, to: string) =>
  swaks(server.server.smtpPort, ['--from', 'parent@example.org', '--to', to, '--body', 'Bonjour']);

async function inboxCount(server: TestServer): Promise<number> {
  const rows = await server.server.facteur.ctx.db.selectFrom('messages').select('id').execute();
  return rows.length;
}

describe('SMTP MX rate limit', () => {
  it('refuses recipients over the per-minute budget of an address with 451 4.7.1', async () => {
    t = await serverWith({ FACTEUR_SMTP_RECIPIENTS_PER_MINUTE: '3', FACTEUR_SMTP_RATE_LIMIT_EXEMPT: 'none' });
    expect((await send(t, 'sylvie.dupont@ac-test.fr')).code).toBe(0);
    // An unknown user counts too: probing addresses spends the budget.
    expect((await send(t, 'personne@ac-test.fr')).stdout).toMatch(/<\*\* 550 5\.1\.1/);
    expect((await send(t, 'sylvie.dupont@ac-test.fr')).code).toBe(0);
    const refused = await send(t, 'sylvie.dupont@ac-test.fr');
    expect(refused.stdout).toMatch(
      /<\*\* 451 4\.7\.1 Too many recipients from your address, try again later/,
    );
    expect(await inboxCount(t)).toBe(2);
    expect(t.logs.some((line) => line.includes('"event":"smtp.rate_limited"'))).toBe(true);
  });

  it('does not limit this host by default', async () => {
    t = await serverWith({ FACTEUR_SMTP_RECIPIENTS_PER_MINUTE: '1' });
    for (let i = 0; i < 3; i++) expect((await send(t, 'sylvie.dupont@ac-test.fr')).code).toBe(0);
    expect(await inboxCount(t)).toBe(3);
  });
});
