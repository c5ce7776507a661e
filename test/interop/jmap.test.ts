/**
 * JMAP over HTTP (RFC 8620, RFC 8621 read side) against a running server: the session resource,
 * request-level problems, method errors, result references, /changes after SMTP delivery and IMAP
 * changes, accent-insensitive text search, and one user's ids refused to another.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { swaksDeliver } from '../helpers/clients.js';
import { type HttpClient, startTestServer, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
let t: TestServer;
const imapClients: ImapTestClient[] = [];

beforeEach(async () => {
  t = await startTestServer();
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.addUser('Jean', 'Martin', '--password', PASSWORD);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
});

afterEach(async () => {
  for (const client of imapClients.splice(0)) client.close();
  await t.close();
});

async function deliver(to: string, subject: string, body: string) {
  const r = await swaksDeliver(t.server.smtpPort, to, subject, body);
  expect(r.code, r.stdout).toBe(0);
}

async function signedIn(login: string) {
  const client = t.client();
  expect((await client.signIn(login, PASSWORD)).status).toBe(200);
  const session = await client.request('GET', '/jmap/session');
  expect(session.status).toBe(200);
  return { client, accountId: session.json.primaryAccounts[MAIL] as string };
}

type Call = [string, Record<string, unknown>, string];
async function jmap(client: HttpClient, calls: Call[], using = [CORE, MAIL]) {
  const response = await client.request('POST', '/jmap/api', { using, methodCalls: calls });
  expect(response.status, response.text).toBe(200);
  return response.json.methodResponses as Call[];
}

/** The arguments of response `index`, which must exist. */
function nth(responses: Call[], index: number): Record<string, unknown> {
  const response = responses[index];
  if (!response) throw new Error(`no response ${index}`);
  return response[1];
}

describe('JMAP session and envelope', () => {
  it('serves the session resource at /.well-known/jmap, to a signed-in user only', async () => {
    const anonymous = await fetch(`${t.baseUrl}/.well-known/jmap`, { redirect: 'manual' });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get('location')).toBe('/jmap/session');
    expect((await t.client().request('GET', '/jmap/session')).status).toBe(401);
    const { client, accountId } = await signedIn('sdupont');
    const session = (await client.request('GET', '/jmap/session')).json;
    expect(session.username).toBe('sylvie.dupont@ac-test.fr');
    expect(session.apiUrl).toBe('/jmap/api');
    expect(Object.keys(session.accounts)).toEqual([accountId]);
    expect(session.capabilities[CORE].maxCallsInRequest).toBeGreaterThan(0);
    expect(session.accounts[accountId].accountCapabilities[MAIL].emailQuerySortOptions).toEqual([
      'receivedAt',
    ]);
  });

  it('answers request-level problems with the JMAP error types, and needs the CSRF header', async () => {
    const { client } = await signedIn('sdupont');
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const raw = (body: string, csrf = client.cookies.get('facteur_csrf') ?? '') =>
      fetch(`${t.baseUrl}/jmap/api`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body,
      });
    const notJson = await raw('{"using": [');
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');
    expect((await notJson.json()).type).toBe('urn:ietf:params:jmap:error:notJSON');
    expect((await (await raw('{"using": []}')).json()).type).toBe('urn:ietf:params:jmap:error:notRequest');
    const unknown = await raw(JSON.stringify({ using: ['urn:example:nope'], methodCalls: [] }));
    expect((await unknown.json()).type).toBe('urn:ietf:params:jmap:error:unknownCapability');
    const tooMany = await raw(
      JSON.stringify({
        using: [CORE],
        methodCalls: Array.from({ length: 65 }, (_, i) => ['Core/echo', {}, `c${i}`]),
      }),
    );
    expect(await tooMany.json()).toMatchObject({
      type: 'urn:ietf:params:jmap:error:limit',
      limit: 'maxCallsInRequest',
    });
    // Without the CSRF header a cookie-authenticated call is refused before it runs.
    const forged = await raw(JSON.stringify({ using: [CORE], methodCalls: [['Core/echo', {}, 'c']] }), '');
    expect(forged.status).toBe(403);
  });

  it('answers method errors per call and goes on with the next calls', async () => {
    const { client, accountId } = await signedIn('sdupont');
    const responses = await jmap(client, [
      ['Core/echo', { hello: 'monde' }, 'c0'],
      ['Nope/get', {}, 'c1'],
      ['Mailbox/get', { accountId, colour: 'blue' }, 'c2'],
      ['Mailbox/get', { accountId: 'someone-else' }, 'c3'],
      ['Email/query', { accountId, sort: [{ property: 'subject' }] }, 'c4'],
      ['Email/get', { accountId, '#ids': { resultOf: 'c9', name: 'Email/query', path: '/ids' } }, 'c5'],
      ['Email/changes', { accountId, sinceState: 'yesterday' }, 'c6'],
      ['Mailbox/get', { accountId, ids: [] }, 'c7'],
    ]);
    expect(responses[0]).toEqual(['Core/echo', { hello: 'monde' }, 'c0']);
    expect(responses.slice(1, 7).map(([name, args, id]) => [name, args.type, id])).toEqual([
      ['error', 'unknownMethod', 'c1'],
      ['error', 'invalidArguments', 'c2'],
      ['error', 'accountNotFound', 'c3'],
      ['error', 'unsupportedSort', 'c4'],
      ['error', 'invalidResultReference', 'c5'],
      ['error', 'invalidArguments', 'c6'],
    ]);
    expect(responses[7]?.[0]).toBe('Mailbox/get');
    // A method of a capability the request did not use is unknown to it.
    const [[name, args]] = (await jmap(client, [['Mailbox/get', { accountId }, 'x']], [CORE])) as [Call];
    expect([name, args.type]).toEqual(['error', 'unknownMethod']);
  });
});

describe('JMAP Mail, read side', () => {
  it('lists mailboxes with counters, queries and gets mail, chaining calls by result references', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Réunion de rentrée', "L'École ouvre lundi.");
    await deliver('sylvie.dupont@ac-test.fr', 'Re: Réunion de rentrée', 'Je serai là.');
    const { client, accountId } = await signedIn('sdupont');
    const boxes = nth(await jmap(client, [['Mailbox/get', { accountId }, 'm']]), 0);
    const inbox = (boxes.list as Record<string, unknown>[]).find((b) => b.role === 'inbox');
    expect(inbox).toMatchObject({
      name: 'INBOX',
      totalEmails: 2,
      unreadEmails: 2,
      totalThreads: 1,
      unreadThreads: 1,
    });
    expect((boxes.list as unknown[]).length).toBe(6);

    const responses = await jmap(client, [
      ['Email/query', { accountId, filter: { inMailbox: inbox?.id }, calculateTotal: true }, 'q'],
      [
        'Email/get',
        {
          accountId,
          '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
          properties: ['subject', 'from', 'threadId', 'mailboxIds', 'keywords', 'preview', 'receivedAt'],
        },
        'g',
      ],
      [
        'Thread/get',
        { accountId, '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } },
        't',
      ],
    ]);
    const [query, get, thread] = responses as [Call, Call, Call];
    expect(query[1]).toMatchObject({ total: 2, position: 0, canCalculateChanges: false });
    const emails = get[1].list as Record<string, unknown>[];
    // Newest first.
    expect(emails.map((e) => e.subject)).toEqual(['Re: Réunion de rentrée', 'Réunion de rentrée']);
    expect(emails[1]).toMatchObject({
      from: [{ name: null, email: 'parent@example.org' }],
      mailboxIds: { [inbox?.id as string]: true },
      keywords: {},
      preview: "L'École ouvre lundi.",
    });
    expect(emails[1]?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Object.keys(emails[0] ?? {}).sort()).toEqual([
      'from',
      'id',
      'keywords',
      'mailboxIds',
      'preview',
      'receivedAt',
      'subject',
      'threadId',
    ]);
    // Both messages are one conversation, oldest first.
    expect(thread[1].list).toEqual([{ id: emails[0]?.threadId, emailIds: [emails[1]?.id, emails[0]?.id] }]);

    // Text search is accent-insensitive: "ecole" finds "École".
    const found = nth(
      await jmap(client, [['Email/query', { accountId, filter: { text: 'ecole' } }, 's']]),
      0,
    );
    expect(found.ids).toEqual([emails[1]?.id]);
    // Paging.
    const page = nth(await jmap(client, [['Email/query', { accountId, position: 1, limit: 1 }, 'p']]), 0);
    expect(page.ids).toEqual([emails[1]?.id]);
  });

  it('tells /changes of mail delivered over SMTP and flags changed over IMAP', async () => {
    const { client, accountId } = await signedIn('sdupont');
    const [[, initial]] = (await jmap(client, [['Email/get', { accountId, ids: [] }, 'g']])) as [Call];
    const since = initial.state as string;
    await deliver('sylvie.dupont@ac-test.fr', 'Convocation', 'Conseil de classe.');
    const both = await jmap(client, [
      ['Email/changes', { accountId, sinceState: since }, 'c'],
      ['Mailbox/changes', { accountId, sinceState: since }, 'm'],
    ]);
    const created = nth(both, 0);
    const boxChanges = nth(both, 1);
    expect(created).toMatchObject({
      oldState: since,
      hasMoreChanges: false,
      updated: [],
      destroyed: [],
    });
    const newId = (created.created as string[])[0];
    expect(created.created).toHaveLength(1);
    expect((boxChanges.updated as string[]).length).toBe(1);

    const imap = await ImapTestClient.open(t.server.imapsPort, { tls: true });
    imapClients.push(imap);
    expect(await imap.command(`LOGIN sdupont "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
    await imap.command('SELECT INBOX');
    expect(await imap.command('STORE 1 +FLAGS (\\Seen)')).toMatch(/OK/);
    const updated = nth(
      await jmap(client, [['Email/changes', { accountId, sinceState: created.newState }, 'c']]),
      0,
    );
    expect(updated).toMatchObject({ created: [], updated: [newId], destroyed: [] });
    const [[, after]] = (await jmap(client, [
      ['Email/get', { accountId, ids: [newId], properties: ['keywords'] }, 'g'],
    ])) as [Call];
    expect(after.list).toEqual([{ id: newId, keywords: { $seen: true } }]);

    // maxChanges splits the log at a modseq boundary, and the rest follows.
    await deliver('sylvie.dupont@ac-test.fr', 'Un', 'un');
    await deliver('sylvie.dupont@ac-test.fr', 'Deux', 'deux');
    const first = nth(
      await jmap(client, [
        ['Email/changes', { accountId, sinceState: updated.newState, maxChanges: 1 }, 'c'],
      ]),
      0,
    );
    expect(first).toMatchObject({ hasMoreChanges: true });
    expect(first.created).toHaveLength(1);
    const second = nth(
      await jmap(client, [['Email/changes', { accountId, sinceState: first.newState, maxChanges: 1 }, 'c']]),
      0,
    );
    expect(second).toMatchObject({ hasMoreChanges: false });
    expect(second.created).toHaveLength(1);
    expect(second.created).not.toEqual(first.created);
  });

  it("never shows one user's mail to another: their ids are not found, their account refused", async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Bulletin', 'Notes du trimestre.');
    const sylvie = await signedIn('sdupont');
    const own = await jmap(sylvie.client, [
      ['Email/query', { accountId: sylvie.accountId }, 'q'],
      ['Mailbox/get', { accountId: sylvie.accountId }, 'm'],
      [
        'Email/get',
        { accountId: sylvie.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' } },
        'g',
      ],
    ]);
    const emailId = (nth(own, 0).ids as string[])[0] as string;
    const inboxId = (nth(own, 1).list as { id: string; role: string }[]).find((b) => b.role === 'inbox')?.id;
    const threadId = (nth(own, 2).list as { threadId: string }[])[0]?.threadId;

    const jean = await signedIn('jmartin');
    const responses = await jmap(jean.client, [
      ['Email/get', { accountId: jean.accountId, ids: [emailId] }, 'a'],
      ['Mailbox/get', { accountId: jean.accountId, ids: [inboxId] }, 'b'],
      ['Thread/get', { accountId: jean.accountId, ids: [threadId] }, 'c'],
      ['Email/query', { accountId: jean.accountId, filter: { inMailbox: inboxId } }, 'd'],
      ['Email/query', { accountId: jean.accountId, filter: { text: 'bulletin' } }, 'e'],
      ['Email/get', { accountId: sylvie.accountId, ids: [emailId] }, 'f'],
    ]);
    expect(nth(responses, 0)).toMatchObject({ list: [], notFound: [emailId] });
    expect(nth(responses, 1)).toMatchObject({ list: [], notFound: [inboxId] });
    expect(nth(responses, 2)).toMatchObject({ list: [], notFound: [threadId] });
    expect(nth(responses, 3).type).toBe('invalidArguments');
    expect(nth(responses, 4).ids).toEqual([]);
    expect(nth(responses, 5).type).toBe('accountNotFound');
    expect(JSON.stringify(responses)).not.toContain('Bulletin');
  });
});
