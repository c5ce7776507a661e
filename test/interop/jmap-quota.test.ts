/**
 * JMAP Quotas (RFC 9425) over HTTP against the running server: the one `mail` quota names the same
 * figures as IMAP GETQUOTA, grows with a stored message, reports the change through Quota/changes,
 * answers Quota/query's filters, and is only reachable with the quota capability in `using`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const MAIL = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const USING = [...MAIL, 'urn:ietf:params:jmap:quota'];
let t: TestServer;

type Call = [string, Record<string, unknown>, string];

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [['Sylvie', 'Dupont']]);
});

afterEach(async () => {
  await t.close();
});

async function signedIn() {
  const { client, accountId, session } = await signInJmap(t, 'sdupont', PASSWORD);
  expect(Object.keys(session.capabilities)).toContain('urn:ietf:params:jmap:quota');
  return { client, accountId };
}

async function call(client: HttpClient, method: Call, using = USING): Promise<Call> {
  const response = await client.request('POST', '/jmap/api', { using, methodCalls: [method] });
  expect(response.status, response.text).toBe(200);
  return response.json.methodResponses[0] as Call;
}

async function imapUsedKib(): Promise<number> {
  const imap = await ImapTestClient.open(t.server.imapsPort, { tls: true });
  expect(await imap.command(`LOGIN sdupont "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
  const answer = await imap.command('GETQUOTA ""');
  await imap.command('LOGOUT');
  return Number(/STORAGE (\d+) \d+/.exec(answer)?.[1]);
}

describe('JMAP quotas', () => {
  it('gives the mail storage as IMAP does, and reports its growth through Quota/changes', async () => {
    const { client, accountId } = await signedIn();
    const [, first] = await call(client, ['Quota/get', { accountId, ids: null }, 'q']);
    const [quota] = first.list as Record<string, unknown>[];
    expect(quota).toMatchObject({ id: 'mail', resourceType: 'octets', scope: 'account', types: ['Mail'] });
    expect(quota?.hardLimit).toBeGreaterThan(0);
    expect(quota?.warnLimit).toBe(Math.floor((quota?.hardLimit as number) * 0.8));

    const [, boxes] = await call(client, ['Mailbox/get', { accountId, ids: null }, 'm']);
    const drafts = (boxes.list as { id: string; role: string }[]).find((m) => m.role === 'drafts')
      ?.id as string;
    const [, set] = await call(client, [
      'Email/set',
      {
        accountId,
        create: {
          d: {
            mailboxIds: { [drafts]: true },
            keywords: { $draft: true },
            from: [{ email: 'sylvie.dupont@ac-test.fr' }],
            subject: 'Brouillon lourd',
            bodyValues: { t: { value: 'é'.repeat(20_000) } },
            textBody: [{ partId: 't', type: 'text/plain' }],
          },
        },
      },
      's',
    ]);
    const size = (set.created as Record<string, { size: number }>).d?.size as number;
    expect(size).toBeGreaterThan(20_000);

    const [, after] = await call(client, [
      'Quota/get',
      { accountId, ids: ['mail'], properties: ['used'] },
      'q',
    ]);
    const used = (after.list as { id: string; used: number }[])[0];
    expect(used).toEqual({ id: 'mail', used: (quota?.used as number) + size });
    expect(await imapUsedKib()).toBe(Math.ceil((used?.used as number) / 1024));

    const [, changes] = await call(client, ['Quota/changes', { accountId, sinceState: first.state }, 'c']);
    expect(changes).toMatchObject({
      oldState: first.state,
      newState: after.state,
      updated: ['mail'],
      created: [],
    });
    const [, none] = await call(client, ['Quota/changes', { accountId, sinceState: after.state }, 'c']);
    expect(none.updated).toEqual([]);
  });

  it('answers Quota/query filters, refuses bad arguments, and needs the capability', async () => {
    const { client, accountId } = await signedIn();
    const query = async (filter: Record<string, unknown>) =>
      (await call(client, ['Quota/query', { accountId, filter }, 'q']))[1].ids;
    expect(await query({ type: 'Mail' })).toEqual(['mail']);
    expect(await query({ resourceType: 'octets', scope: 'account' })).toEqual(['mail']);
    expect(await query({ type: 'Calendar' })).toEqual([]);
    expect((await call(client, ['Quota/query', { accountId, filter: { colour: 'x' } }, 'q']))[1].type).toBe(
      'unsupportedFilter',
    );
    expect((await call(client, ['Quota/get', { accountId, ids: ['other'] }, 'q']))[1].notFound).toEqual([
      'other',
    ]);
    expect((await call(client, ['Quota/get', { accountId: 'x', ids: null }, 'q']))[1].type).toBe(
      'accountNotFound',
    );
    expect((await call(client, ['Quota/changes', { accountId, sinceState: 'nonsense' }, 'q']))[1].type).toBe(
      'cannotCalculateChanges',
    );
    const [name, error] = await call(client, ['Quota/get', { accountId, ids: null }, 'q'], MAIL);
    expect([name, error.type]).toEqual(['error', 'unknownMethod']);
  });
});
