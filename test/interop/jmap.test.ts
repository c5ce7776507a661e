/**
 * JMAP over HTTP (RFC 8620, RFC 8621 read side) against a running server: the session resource,
 * request-level problems, method errors, result references, /changes after SMTP delivery and IMAP
 * changes, accent-insensitive text search, and one user's ids refused to another.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMessageBytes } from '../../src/core/mail/index.js';
import { swaks, swaksDeliver } from '../helpers/clients.js';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
let t: TestServer;
const imapClients: ImapTestClient[] = [];

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
  ]);
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
  const { client, accountId } = await signInJmap(t, login, PASSWORD);
  return { client, accountId };
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
    expect(query[1]).toMatchObject({ total: 2, position: 0, canCalculateChanges: true });
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

  it('filters Email/query by sender, subject, keyword and date, and refuses what it does not know', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Sortie scolaire', 'Au musée.');
    await deliver('sylvie.dupont@ac-test.fr', 'Cantine', 'Menu de la semaine.');
    const { client, accountId } = await signedIn('sdupont');
    const query = async (filter: Record<string, unknown>) =>
      nth(await jmap(client, [['Email/query', { accountId, filter }, 'q']]), 0);
    const all = (await query({})).ids as string[];
    expect(all).toHaveLength(2);
    expect((await query({ subject: 'sortie' })).ids).toEqual([all[1]]);
    expect((await query({ from: 'parent@example.org', body: 'menu' })).ids).toEqual([all[0]]);
    expect((await query({ from: 'personne@example.org' })).ids).toEqual([]);
    await jmap(client, [
      ['Email/set', { accountId, update: { [all[1] as string]: { 'keywords/$flagged': true } } }, 's'],
    ]);
    expect((await query({ hasKeyword: '$flagged' })).ids).toEqual([all[1]]);
    expect((await query({ notKeyword: '$seen', after: '2000-01-01T00:00:00Z' })).ids).toEqual(all);
    expect((await query({ before: '2000-01-01T00:00:00Z' })).ids).toEqual([]);
    expect((await query({ header: ['X-Spam'] })).type).toBe('unsupportedFilter');
    expect((await query({ after: 'hier' })).type).toBe('invalidArguments');
    expect((await query({ hasKeyword: 'bad(keyword' })).type).toBe('invalidArguments');
  });

  it('finds École when asked for ecole, and marks where in the subject and the body (SearchSnippet)', async () => {
    const long = `${'Introduction sans rapport. '.repeat(12)}Les élèves de l’école Jules-Ferry partent lundi. ${'Suite. '.repeat(40)}`;
    await deliver('sylvie.dupont@ac-test.fr', 'Sortie de l’École <primaire>', long);
    await deliver('sylvie.dupont@ac-test.fr', 'Cantine', 'Menu de la semaine.');
    const { client, accountId } = await signedIn('sdupont');
    const responses = await jmap(client, [
      ['Email/query', { accountId, filter: { text: 'ecole' } }, 'q'],
      [
        'SearchSnippet/get',
        {
          accountId,
          filter: { text: 'ecole' },
          '#emailIds': { resultOf: 'q', name: 'Email/query', path: '/ids' },
        },
        's',
      ],
      ['SearchSnippet/get', { accountId, filter: { from: 'parent' }, emailIds: ['nope'] }, 'n'],
      ['SearchSnippet/get', { accountId, filter: { text: 'x' } }, 'e'],
    ]);
    const ids = nth(responses, 0).ids as string[];
    expect(ids).toHaveLength(1);
    const [snippet] = nth(responses, 1).list as { emailId: string; subject: string; preview: string }[];
    expect(snippet?.emailId).toBe(ids[0]);
    expect(snippet?.subject).toBe('Sortie de l’<mark>École</mark> &#60;primaire&#62;');
    expect(snippet?.preview).toContain('de l’<mark>école</mark> Jules-Ferry');
    expect(snippet?.preview.startsWith('…')).toBe(true);
    expect(Buffer.byteLength(snippet?.preview.replace(/<\/?mark>/g, '') ?? '')).toBeLessThanOrEqual(255);
    expect(nth(responses, 2)).toMatchObject({ list: [], notFound: ['nope'] });
    expect(nth(responses, 3).type).toBe('invalidArguments');
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

  it('pushes state changes to open event streams within a second of a delivery (EventSource)', async () => {
    const { client, accountId } = await signedIn('sdupont');
    expect((await t.client().request('GET', '/jmap/eventsource?types=*&closeafter=no&ping=0')).status).toBe(
      401,
    );
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const stream = async (query: string) => {
      const controller = new AbortController();
      const response = await fetch(`${t.baseUrl}/jmap/eventsource?${query}`, {
        headers: { cookie, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      /** The next event's data, or null when the stream ended. */
      const next = async (): Promise<{ event: string; data: Record<string, unknown> } | null> => {
        for (;;) {
          const end = buffered.indexOf('\n\n');
          if (end >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
            return { event, data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') };
          }
          const { value, done } = await reader.read();
          if (done) return null;
          buffered += decoder.decode(value, { stream: true });
        }
      };
      return { next, close: () => controller.abort() };
    };
    const live = await stream('types=*&closeafter=no&ping=0');
    const once = await stream('types=Email&closeafter=state&ping=0');
    try {
      // closeafter=no: the current state at once.
      const initial = await live.next();
      const state = nth(await jmap(client, [['Email/get', { accountId, ids: [] }, 'g']]), 0).state;
      expect(initial).toEqual({
        event: 'state',
        data: {
          '@type': 'StateChange',
          changed: {
            [accountId]: {
              Mailbox: state,
              Email: state,
              Thread: state,
              Identity: state,
              EmailSubmission: state,
              VacationResponse: state,
            },
          },
        },
      });
      // Within a second of the acknowledgement (the 250 reaches swaks before it exits: the push may
      // even come first).
      let pushedAt = 0;
      const waiting = live.next().then((event) => {
        pushedAt = performance.now();
        return event;
      });
      await deliver('sylvie.dupont@ac-test.fr', 'Nouveau', 'Arrivé.');
      const acknowledgedAt = performance.now();
      const pushed = await waiting;
      expect(pushedAt - acknowledgedAt).toBeLessThan(1000);
      const changed = (pushed?.data.changed ?? {}) as Record<string, Record<string, string>>;
      const newState = changed[accountId]?.Email as string;
      expect(Number(newState)).toBeGreaterThan(Number(state));
      const changes = nth(await jmap(client, [['Email/changes', { accountId, sinceState: state }, 'c']]), 0);
      expect(changes.newState).toBe(newState);
      expect(changes.created).toHaveLength(1);
      // closeafter=state: that one change, then the end of the stream; only the asked type.
      expect(await once.next()).toEqual({
        event: 'state',
        data: { '@type': 'StateChange', changed: { [accountId]: { Email: newState } } },
      });
      expect(await once.next()).toBeNull();
    } finally {
      live.close();
      once.close();
    }
  });

  it('downloads a message as stored, as an attachment, for its owner only', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Pièce', 'Le texte.');
    const sylvie = await signedIn('sdupont');
    const responses = await jmap(sylvie.client, [
      ['Email/query', { accountId: sylvie.accountId }, 'q'],
      [
        'Email/get',
        {
          accountId: sylvie.accountId,
          '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
          properties: ['blobId'],
        },
        'g',
      ],
    ]);
    const blobId = (nth(responses, 1).list as { blobId: string }[])[0]?.blobId as string;
    const path = `/jmap/download/${sylvie.accountId}/${blobId}/pi%C3%A8ce.eml?type=text/html`;
    const cookieOf = (c: HttpClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(t.baseUrl + path, { headers: { cookie: cookieOf(sylvie.client) } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(await readMessageBytes(t.server.facteur.ctx, blobId))).toBe(true);
    // Never rendered as a page of ours, whatever type was asked.
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="pi_ce.eml"; filename*=UTF-8''pi%C3%A8ce.eml`,
    );
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');

    // Jean knows the blob id: still nothing, in his account or in hers.
    const jean = await signedIn('jmartin');
    for (const attempt of [
      path,
      `/jmap/download/${jean.accountId}/${blobId}/x.eml`,
      `/jmap/download/${jean.accountId}/..%2F..%2Fsecret.key/x`,
    ]) {
      const refused = await fetch(t.baseUrl + attempt, { headers: { cookie: cookieOf(jean.client) } });
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain('Le texte');
    }
    expect((await fetch(t.baseUrl + path)).status).toBe(401);
  });

  it('gives the body parts and values of a multipart message, and its attachment decoded', async () => {
    const pdf = Buffer.from('%PDF-1.4 bulletin du premier trimestre \u00e9\u00e8 \x00\x01\x02', 'latin1');
    const raw = [
      'From: parent@example.org',
      'To: sylvie.dupont@ac-test.fr',
      'Subject: Bulletin',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Bonjour, voici le bulletin de l=C3=A9l=C3=A8ve.',
      '--a',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Bonjour, voici le <b>bulletin</b>.</p>',
      '--a--',
      '--m',
      "Content-Type: application/pdf; name*=UTF-8''bulletin%20%C3%A9l%C3%A8ve.pdf",
      'Content-Disposition: attachment',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--m--',
      '',
    ].join('\r\n');
    const file = join(mkdtempSync(join(tmpdir(), 'jmap-mime-')), 'message.eml');
    writeFileSync(file, raw);
    const sent = await swaks(t.server.smtpPort, [
      '--from',
      'parent@example.org',
      '--to',
      'sylvie.dupont@ac-test.fr',
      '--data',
      file,
    ]);
    expect(sent.code, sent.stdout).toBe(0);
    const { client, accountId } = await signedIn('sdupont');
    const got = nth(
      await jmap(client, [
        ['Email/query', { accountId }, 'q'],
        [
          'Email/get',
          {
            accountId,
            '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
            properties: ['textBody', 'htmlBody', 'attachments', 'bodyValues', 'hasAttachment'],
            fetchAllBodyValues: true,
            maxBodyValueBytes: 26,
          },
          'g',
        ],
      ]),
      1,
    );
    const email = (got.list as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(email.hasAttachment).toBe(true);
    expect((email.textBody as { partId: string; type: string }[]).map((p) => [p.partId, p.type])).toEqual([
      ['1.1', 'text/plain'],
    ]);
    expect((email.htmlBody as { partId: string; type: string }[]).map((p) => [p.partId, p.type])).toEqual([
      ['1.2', 'text/html'],
    ]);
    const [attachment] = email.attachments as {
      partId: string;
      blobId: string;
      name: string;
      type: string;
      size: number;
      disposition: string;
    }[];
    expect(attachment).toMatchObject({
      partId: '2',
      name: 'bulletin élève.pdf',
      type: 'application/pdf',
      size: pdf.length,
      disposition: 'attachment',
    });
    // Decoded, cut at 26 bytes on a character boundary ("é" is two bytes and would straddle 26).
    expect(email.bodyValues).toEqual({
      '1.1': { value: 'Bonjour, voici le bulletin', isEncodingProblem: false, isTruncated: true },
      '1.2': { value: '<p>Bonjour, voici le <b>bu', isEncodingProblem: false, isTruncated: true },
    });
    const cookieOf = (c: HttpClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const path = `/jmap/download/${accountId}/${attachment?.blobId}/bulletin.pdf?type=application/pdf`;
    const download = await fetch(t.baseUrl + path, { headers: { cookie: cookieOf(client) } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    const jean = await signedIn('jmartin');
    const foreign = `/jmap/download/${jean.accountId}/${attachment?.blobId}/bulletin.pdf`;
    expect((await fetch(t.baseUrl + foreign, { headers: { cookie: cookieOf(jean.client) } })).status).toBe(
      404,
    );
    // A part that does not exist is not found either.
    const missing = `/jmap/download/${accountId}/${attachment?.blobId.replace(/_2$/, '_9')}/x`;
    expect((await fetch(t.baseUrl + missing, { headers: { cookie: cookieOf(client) } })).status).toBe(404);
  });

  it('marks read, flags and moves mail with Email/set, seen at once by an IMAP session', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'À classer', 'Compte rendu.');
    const { client, accountId } = await signedIn('sdupont');
    const imap = await ImapTestClient.open(t.server.imapsPort, { tls: true });
    imapClients.push(imap);
    expect(await imap.command(`LOGIN sdupont "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
    await imap.command('SELECT INBOX');
    const listed = await jmap(client, [
      ['Mailbox/get', { accountId, properties: ['role'] }, 'm'],
      ['Email/query', { accountId }, 'q'],
    ]);
    const roles = new Map((nth(listed, 0).list as { id: string; role: string }[]).map((b) => [b.role, b.id]));
    const id = (nth(listed, 1).ids as string[])[0] as string;
    const before = nth(listed, 1).queryState as string;

    const marked = nth(
      await jmap(client, [
        [
          'Email/set',
          {
            accountId,
            ifInState: before,
            update: { [id]: { 'keywords/$seen': true, 'keywords/$flagged': true } },
          },
          's',
        ],
      ]),
      0,
    );
    expect(marked).toMatchObject({ oldState: before, updated: { [id]: null }, notUpdated: null });
    expect(await imap.command('FETCH 1 (FLAGS)')).toMatch(
      /^\* 1 FETCH \(FLAGS \((\\Seen \\Flagged|\\Flagged \\Seen)\)\)/m,
    );

    // Moved to Archive: gone from the IMAP Inbox, present in Archive; for JMAP the same email, updated.
    const moved = nth(
      await jmap(client, [
        [
          'Email/set',
          { accountId, update: { [id]: { mailboxIds: { [roles.get('archive') as string]: true } } } },
          's',
        ],
      ]),
      0,
    );
    expect(moved.updated).toEqual({ [id]: null });
    expect(await imap.command('NOOP')).toMatch(/^\* 1 EXPUNGE\r\n/m);
    const archive = await imap.command('EXAMINE Archive');
    expect(archive).toMatch(/^\* 1 EXISTS/m);
    const changes = nth(
      await jmap(client, [['Email/changes', { accountId, sinceState: marked.newState }, 'c']]),
      0,
    );
    expect(changes).toMatchObject({ created: [], updated: [id], destroyed: [] });
    const [get] = await jmap(client, [
      ['Email/get', { accountId, ids: [id], properties: ['mailboxIds', 'keywords'] }, 'g'],
    ]);
    expect(get?.[1].list).toEqual([
      {
        id,
        mailboxIds: { [roles.get('archive') as string]: true },
        keywords: { $seen: true, $flagged: true },
      },
    ]);

    // Refusals: a stale state, no mailbox, an unknown property, a bad keyword, another's mailbox.
    const stale = nth(
      await jmap(client, [['Email/set', { accountId, ifInState: before, update: {} }, 's']]),
      0,
    );
    expect(stale.type).toBe('stateMismatch');
    const refused = nth(
      await jmap(client, [['Email/set', { accountId, update: { [id]: { mailboxIds: {} } } }, 'a']]),
      0,
    );
    expect(refused.notUpdated).toMatchObject({
      [id]: { type: 'invalidProperties', properties: ['mailboxIds'] },
    });
    for (const patch of [
      { subject: 'Piraté' },
      { 'keywords/bad(keyword': true },
      { 'mailboxIds/nope': true },
      { keywords: { $seen: false } },
    ]) {
      const answer = nth(await jmap(client, [['Email/set', { accountId, update: { [id]: patch } }, 'x']]), 0);
      expect((answer.notUpdated as Record<string, { type: string }>)[id]?.type).toBe('invalidProperties');
    }
    const mixed = nth(
      await jmap(client, [
        ['Email/set', { accountId, update: { [id]: { keywords: {}, 'keywords/$seen': true } } }, 'x'],
      ]),
      0,
    );
    expect((mixed.notUpdated as Record<string, { type: string }>)[id]?.type).toBe('invalidPatch');
    // Nothing of the refused patches took effect.
    const [still] = await jmap(client, [
      ['Email/get', { accountId, ids: [id], properties: ['mailboxIds', 'keywords', 'subject'] }, 'g'],
    ]);
    expect(still?.[1].list).toEqual([
      {
        id,
        mailboxIds: { [roles.get('archive') as string]: true },
        keywords: { $seen: true, $flagged: true },
        subject: 'À classer',
      },
    ]);

    // Jean cannot touch it.
    const jean = await signedIn('jmartin');
    const foreign = nth(
      await jmap(jean.client, [
        ['Email/set', { accountId: jean.accountId, update: { [id]: { 'keywords/$seen': null } } }, 's'],
      ]),
      0,
    );
    expect(foreign.notUpdated).toEqual({ [id]: { type: 'notFound', description: 'no such email' } });
  });

  it('destroys emails for good with Email/set: gone from every folder, the quota and search', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Publicité', 'Offre spéciale.');
    await deliver('sylvie.dupont@ac-test.fr', 'Garder', 'Important.');
    const { client, accountId } = await signedIn('sdupont');
    const ids = nth(await jmap(client, [['Email/query', { accountId }, 'q']]), 0).ids as string[];
    const [keep, doomed] = ids as [string, string];
    const usage = async () =>
      await t.server.facteur.ctx.db
        .selectFrom('account_usage')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
    const before = await usage();
    const answer = nth(
      await jmap(client, [['Email/set', { accountId, destroy: [doomed, 'absent'] }, 'd']]),
      0,
    );
    expect(answer.destroyed).toEqual([doomed]);
    expect(answer.notDestroyed).toEqual({ absent: { type: 'notFound', description: 'no such email' } });
    const after = await usage();
    expect(after.message_count).toBe(before.message_count - 1);
    expect(after.used_bytes).toBeLessThan(before.used_bytes);
    const [get, search, changes] = await jmap(client, [
      ['Email/get', { accountId, ids: [doomed, keep], properties: ['subject'] }, 'g'],
      ['Email/query', { accountId, filter: { text: 'offre' } }, 's'],
      ['Email/changes', { accountId, sinceState: answer.oldState }, 'c'],
    ]);
    expect(get?.[1]).toMatchObject({ list: [{ id: keep, subject: 'Garder' }], notFound: [doomed] });
    expect(search?.[1].ids).toEqual([]);
    expect(changes?.[1]).toMatchObject({ created: [], updated: [], destroyed: [doomed] });
    // Jean cannot destroy Sylvie's mail.
    const jean = await signedIn('jmartin');
    const foreign = nth(
      await jmap(jean.client, [['Email/set', { accountId: jean.accountId, destroy: [keep] }, 'd']]),
      0,
    );
    expect(foreign.notDestroyed).toMatchObject({ [keep]: { type: 'notFound' } });
    expect(
      (
        nth(await jmap(client, [['Email/get', { accountId, ids: [keep], properties: ['subject'] }, 'g']]), 0)
          .list as unknown[]
      ).length,
    ).toBe(1);
  });

  it('creates, renames, unsubscribes and destroys folders with Mailbox/set, as IMAP sees them', async () => {
    const { client, accountId } = await signedIn('sdupont');
    const before = nth(await jmap(client, [['Mailbox/get', { accountId, ids: [] }, 'm']]), 0).state as string;
    const made = nth(
      await jmap(client, [
        [
          'Mailbox/set',
          {
            accountId,
            create: {
              p: { name: 'Projets', parentId: null },
              c: { name: 'Conseils de classe', parentId: '#p', isSubscribed: false },
              bad: { name: 'a/b' },
              role: { name: 'Autre', role: 'inbox' },
            },
          },
          's',
        ],
      ]),
      0,
    );
    const created = made.created as Record<string, { id: string }>;
    expect(Object.keys(created).sort()).toEqual(['c', 'p']);
    expect(made.notCreated).toMatchObject({
      bad: { type: 'invalidProperties', properties: ['name'] },
      role: { type: 'invalidProperties', properties: ['role'] },
    });
    const p = created.p?.id as string;
    const c = created.c?.id as string;
    const changes = nth(await jmap(client, [['Mailbox/changes', { accountId, sinceState: before }, 'x']]), 0);
    expect((changes.created as string[]).sort()).toEqual([c, p].sort());

    const imap = await ImapTestClient.open(t.server.imapsPort, { tls: true });
    imapClients.push(imap);
    expect(await imap.command(`LOGIN sdupont "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
    expect(await imap.command('LIST "" "Projets*"')).toMatch(/"Projets\/Conseils de classe"/);
    expect(await imap.command('LSUB "" "Projets*"')).not.toMatch(/Conseils/);

    const renamed = nth(
      await jmap(client, [
        [
          'Mailbox/set',
          { accountId, update: { [c]: { name: 'Conseils', parentId: null, isSubscribed: true } } },
          's',
        ],
      ]),
      0,
    );
    expect(renamed.updated).toEqual({ [c]: null });
    expect(await imap.command('LSUB "" "Conseils"')).toMatch(/^\* LSUB \([^)]*\) "\/" Conseils\r\n/m);

    // Destroy: refused while the folder has mail or subfolders, or is a special-use one.
    await imap.command('SELECT INBOX');
    await deliver('sylvie.dupont@ac-test.fr', 'À ranger', 'x');
    await imap.command('NOOP');
    await imap.command('COPY 1 Conseils');
    const inbox = (
      nth(await jmap(client, [['Mailbox/get', { accountId, properties: ['role'] }, 'm']]), 0).list as {
        id: string;
        role: string;
      }[]
    ).find((b) => b.role === 'inbox')?.id as string;
    await jmap(client, [['Mailbox/set', { accountId, create: { sub: { name: 'Sous', parentId: p } } }, 's']]);
    const refused = nth(await jmap(client, [['Mailbox/set', { accountId, destroy: [c, p, inbox] }, 's']]), 0);
    expect(refused.notDestroyed).toMatchObject({
      [c]: { type: 'mailboxHasEmail' },
      [p]: { type: 'mailboxHasChild' },
      [inbox]: { type: 'forbidden' },
    });
    const gone = nth(
      await jmap(client, [['Mailbox/set', { accountId, destroy: [c], onDestroyRemoveEmails: true }, 's']]),
      0,
    );
    expect(gone.destroyed).toEqual([c]);
    // The message stays in the Inbox: only what the folder alone held goes.
    expect(await imap.command('STATUS INBOX (MESSAGES)')).toMatch(/MESSAGES 1/);
    expect(await imap.command('LIST "" "Conseils"')).not.toMatch(/Conseils/);
    const after = nth(
      await jmap(client, [['Mailbox/changes', { accountId, sinceState: renamed.newState }, 'x']]),
      0,
    );
    expect(after.destroyed).toEqual([c]);
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
      [
        'SearchSnippet/get',
        { accountId: jean.accountId, filter: { text: 'notes' }, emailIds: [emailId] },
        'g',
      ],
    ]);
    expect(nth(responses, 6)).toMatchObject({ list: [], notFound: [emailId] });
    expect(nth(responses, 0)).toMatchObject({ list: [], notFound: [emailId] });
    expect(nth(responses, 1)).toMatchObject({ list: [], notFound: [inboxId] });
    expect(nth(responses, 2)).toMatchObject({ list: [], notFound: [threadId] });
    expect(nth(responses, 3).type).toBe('invalidArguments');
    expect(nth(responses, 4).ids).toEqual([]);
    expect(nth(responses, 5).type).toBe('accountNotFound');
    expect(JSON.stringify(responses)).not.toContain('Bulletin');
  });
});
