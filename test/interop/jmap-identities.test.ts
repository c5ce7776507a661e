/**
 * Identities with signatures, directory autocompletion and forwarding as an attachment, over HTTP
 * against the running server: Identity/set (update, create on one's own alias only, destroy only
 * what was created, signature size bound), Identity/changes, GET /api/directory (2 characters at
 * least, active accounts of one's institution only, throttled), and a message attached whole as
 * message/rfc822 by its blobId, read back byte for byte and parsed by the project's MIME parser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMessageBytes } from '../../src/core/mail/index.js';
import { parseMessage } from '../../src/lib/mime/index.js';
import { insertAlias } from '../../src/store/sql/index.js';
import { createAccount, seedDirectory } from '../conformance/directory-factories.js';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'];
let t: TestServer;

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [
    ['Sylvie', 'Dupont'],
    ['Éloïse', 'Bérenger-Lévy'],
    ['Sylvain', 'Durand'],
  ]);
});

afterEach(async () => {
  await t.close();
});

type Call = [string, Record<string, unknown>, string];

async function signedIn(login: string) {
  const { client, accountId } = await signInJmap(t, login, PASSWORD);
  return { client, accountId };
}

async function jmap(client: HttpClient, calls: Call[]) {
  const response = await client.request('POST', '/jmap/api', { using: USING, methodCalls: calls });
  expect(response.status, response.text).toBe(200);
  return response.json.methodResponses as Call[];
}

async function one(client: HttpClient, call: Call): Promise<Record<string, unknown>> {
  const [response] = await jmap(client, [call]);
  expect(response?.[0], JSON.stringify(response)).toBe(call[0]);
  return response?.[1] as Record<string, unknown>;
}

async function download(client: HttpClient, path: string): Promise<Buffer> {
  const response = await fetch(t.baseUrl + path, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('JMAP identities', () => {
  it('changes name and signatures of the own identity, keeps them, and refuses deleting it', async () => {
    const { client, accountId } = await signedIn('sdupont');
    const before = await one(client, ['Identity/get', { accountId }, 'i']);
    const [own] = before.list as Record<string, unknown>[];
    expect(own).toMatchObject({
      id: accountId,
      email: 'sylvie.dupont@ac-test.fr',
      name: 'Sylvie Dupont',
      textSignature: '',
      mayDelete: false,
    });
    const set = await one(client, [
      'Identity/set',
      {
        accountId,
        update: {
          [accountId]: {
            name: 'Sylvie Dupont (CPE)',
            textSignature: 'Sylvie Dupont\nCPE — Collège Jean Moulin',
            htmlSignature: '<p>Sylvie <b>Dupont</b></p><script>alert(1)</script>',
            replyTo: [{ name: 'Vie scolaire', email: 'sylvie.dupont@ac-test.fr' }],
          },
        },
        destroy: [accountId],
      },
      's',
    ]);
    expect(set.updated).toEqual({ [accountId]: null });
    expect(set.notDestroyed).toMatchObject({ [accountId]: { type: 'forbidden' } });
    expect(Number(set.newState)).toBeGreaterThan(Number(set.oldState));

    const after = await one(client, ['Identity/get', { accountId, ids: [accountId] }, 'i']);
    expect(after.list).toEqual([
      {
        id: accountId,
        name: 'Sylvie Dupont (CPE)',
        email: 'sylvie.dupont@ac-test.fr',
        replyTo: [{ name: 'Vie scolaire', email: 'sylvie.dupont@ac-test.fr' }],
        bcc: null,
        textSignature: 'Sylvie Dupont\nCPE — Collège Jean Moulin',
        // Stored as given: the web client sanitizes it where it shows it.
        htmlSignature: '<p>Sylvie <b>Dupont</b></p><script>alert(1)</script>',
        mayDelete: false,
      },
    ]);
    const changes = await one(client, ['Identity/changes', { accountId, sinceState: set.oldState }, 'c']);
    expect(changes).toMatchObject({
      created: [],
      updated: [accountId],
      destroyed: [],
      newState: set.newState,
    });
    const none = await one(client, ['Identity/changes', { accountId, sinceState: set.newState }, 'c']);
    expect(none).toMatchObject({ created: [], updated: [], destroyed: [] });

    // Properties asked.
    const names = await one(client, ['Identity/get', { accountId, properties: ['name'] }, 'i']);
    expect(names.list).toEqual([{ id: accountId, name: 'Sylvie Dupont (CPE)' }]);
  });

  it('bounds signatures and refuses what is not settable', async () => {
    const { client, accountId } = await signedIn('sdupont');
    const set = await one(client, [
      'Identity/set',
      {
        accountId,
        update: {
          [accountId]: { htmlSignature: `<p>${'é'.repeat(6000)}</p>` },
          nope: { name: 'x' },
        },
        create: { k1: { email: 'sylvie.dupont@ac-test.fr', mayDelete: false } },
      },
      's',
    ]);
    expect(set.notUpdated).toMatchObject({
      [accountId]: { type: 'invalidProperties', properties: ['htmlSignature'] },
      nope: { type: 'notFound' },
    });
    expect(set.notCreated).toMatchObject({ k1: { type: 'invalidProperties', properties: ['mayDelete'] } });
    const email = await one(client, [
      'Identity/set',
      { accountId, update: { [accountId]: { email: 'autre@ac-test.fr' } } },
      's',
    ]);
    expect(email.notUpdated).toMatchObject({
      [accountId]: { type: 'invalidProperties', properties: ['email'] },
    });
  });

  it('creates identities on own addresses only, destroys them, and reports it in /changes', async () => {
    const { client, accountId } = await signedIn('sdupont');
    await insertAlias(t.server.facteur.ctx.db, {
      address: 'vie-scolaire@ac-test.fr',
      account_id: accountId,
      created_at: Date.now(),
    });
    const start = await one(client, ['Identity/get', { accountId }, 'i']);
    expect(
      (start.list as { email: string; mayDelete: boolean }[]).map((i) => [i.email, i.mayDelete]),
    ).toEqual([
      ['sylvie.dupont@ac-test.fr', false],
      ['vie-scolaire@ac-test.fr', false],
    ]);
    const set = await one(client, [
      'Identity/set',
      {
        accountId,
        create: {
          mine: { email: 'Vie-Scolaire@ac-test.fr', name: 'Vie scolaire', textSignature: 'La vie scolaire' },
          theirs: { email: 'eloise.berenger-levy@ac-test.fr', name: 'Éloïse' },
          nowhere: { email: 'quelquun@example.org' },
        },
      },
      's',
    ]);
    expect(set.notCreated).toMatchObject({
      theirs: { type: 'forbiddenFrom' },
      nowhere: { type: 'forbiddenFrom' },
    });
    const created = (set.created as Record<string, { id: string; mayDelete: boolean }>).mine;
    expect(created?.mayDelete).toBe(true);
    const list = await one(client, ['Identity/get', { accountId }, 'i']);
    expect(list.list).toContainEqual(
      expect.objectContaining({ id: created?.id, email: 'vie-scolaire@ac-test.fr', name: 'Vie scolaire' }),
    );
    expect(
      await one(client, ['Identity/changes', { accountId, sinceState: set.oldState }, 'c']),
    ).toMatchObject({
      created: [created?.id],
      updated: [],
      destroyed: [],
    });
    // Another user cannot touch it.
    const other = await signedIn('eberengerlevy');
    const foreign = await one(other.client, [
      'Identity/set',
      {
        accountId: other.accountId,
        update: { [created?.id as string]: { name: 'x' } },
        destroy: [created?.id],
      },
      's',
    ]);
    expect(foreign.notUpdated).toMatchObject({ [created?.id as string]: { type: 'notFound' } });
    expect(foreign.notDestroyed).toMatchObject({ [created?.id as string]: { type: 'notFound' } });
    const wrongAccount = await jmap(other.client, [
      ['Identity/set', { accountId, destroy: [created?.id] }, 'x'],
    ]);
    expect(wrongAccount[0]?.[0]).toBe('error');

    const destroyed = await one(client, ['Identity/set', { accountId, destroy: [created?.id] }, 'd']);
    expect(destroyed.destroyed).toEqual([created?.id]);
    expect(
      await one(client, ['Identity/changes', { accountId, sinceState: destroyed.oldState }, 'c']),
    ).toMatchObject({ created: [], updated: [], destroyed: [created?.id] });
    // Created and destroyed since: not reported at all.
    expect(
      await one(client, ['Identity/changes', { accountId, sinceState: set.oldState }, 'c']),
    ).toMatchObject({
      created: [],
      destroyed: [],
    });
    expect((await one(client, ['Identity/get', { accountId }, 'i'])).list).toHaveLength(2);
    const bad = await jmap(client, [['Identity/changes', { accountId, sinceState: 'abc' }, 'c']]);
    expect(bad[0]?.[1]).toMatchObject({ type: 'cannotCalculateChanges' });
  });
});

describe('directory search', () => {
  it('finds colleagues by name or address prefix, accent-insensitive, and nothing under 2 characters', async () => {
    const { client } = await signedIn('sdupont');
    const found = await client.request('GET', `/api/directory?q=${encodeURIComponent('béren')}`);
    expect(found.status).toBe(200);
    expect(found.headers.get('cache-control')).toContain('no-store');
    expect(found.json).toEqual({
      results: [
        { name: 'Éloïse Bérenger-Lévy', email: 'eloise.berenger-levy@ac-test.fr', establishment: null },
      ],
    });
    const sylv = await client.request('GET', '/api/directory?q=SYLV');
    expect(sylv.json.results.map((r: { email: string }) => r.email)).toEqual([
      'sylvie.dupont@ac-test.fr',
      'sylvain.durand@ac-test.fr',
    ]);
    expect((await client.request('GET', '/api/directory?q=eloise.b')).json.results).toHaveLength(1);
    expect((await client.request('GET', '/api/directory?q=s')).json).toEqual({ results: [] });
    expect((await client.request('GET', '/api/directory?q=%20%20e%20')).json).toEqual({ results: [] });
    expect((await client.request('GET', '/api/directory')).json).toEqual({ results: [] });
  });

  it('offers neither disabled accounts nor those of another institution, and needs a session', async () => {
    expect((await t.cli('user', 'disable', 'sdurand')).code).toBe(0);
    const otherInstitution = await seedDirectory(t.server.facteur.ctx.db, 'mairie-test.fr');
    await createAccount(t.server.facteur.ctx.db, otherInstitution, {
      first_name: 'Sylviane',
      last_name: 'Voisin',
    });
    const { client } = await signedIn('sdupont');
    const sylv = await client.request('GET', '/api/directory?q=sylv');
    expect(sylv.json.results.map((r: { email: string }) => r.email)).toEqual(['sylvie.dupont@ac-test.fr']);
    expect((await client.request('GET', '/api/directory?q=voisin')).json).toEqual({ results: [] });

    const anonymous = await t.client().request('GET', '/api/directory?q=sylv');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  });

  it('throttles a client that enumerates the directory', async () => {
    const { client } = await signedIn('sdupont');
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await client.request('GET', `/api/directory?q=a${i}`)).status;
    expect(last).toBe(429);
  });
});

describe('forward as attachment', () => {
  it('attaches a received message whole as message/rfc822, byte for byte', async () => {
    // A message with 8-bit text, a long line and a base64 part, delivered over SMTP.
    const original = Buffer.from(
      [
        'From: =?utf-8?q?=C3=89lo=C3=AFse?= <eloise.berenger-levy@ac-test.fr>',
        'To: sylvie.dupont@ac-test.fr',
        'Subject: Conseil de classe',
        'Message-ID: <conseil-1@ac-test.fr>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        `Élèves à revoir : ${'très long '.repeat(20)}`,
        '.point en début de ligne',
        '--b1',
        'Content-Type: application/octet-stream; name="notes.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from([0, 1, 2, 250, 255]).toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const nodemailer = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.server.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      envelope: { from: 'eloise.berenger-levy@ac-test.fr', to: ['sylvie.dupont@ac-test.fr'] },
      raw: original,
    });
    transport.close();

    const { client, accountId } = await signedIn('sdupont');
    const boxes = await one(client, ['Mailbox/get', { accountId }, 'm']);
    const role = (name: string) =>
      (boxes.list as { id: string; role: string }[]).find((b) => b.role === name)?.id as string;
    const inbox = await jmap(client, [
      ['Email/query', { accountId, filter: { inMailbox: role('inbox') } }, 'q'],
      [
        'Email/get',
        {
          accountId,
          '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
          properties: ['blobId', 'size', 'subject'],
        },
        'g',
      ],
    ]);
    const [received] = (inbox[1]?.[1].list ?? []) as { blobId: string; size: number; subject: string }[];
    expect(received?.subject).toBe('Conseil de classe');
    const stored = await download(client, `/jmap/download/${accountId}/${received?.blobId}/m.eml`);

    const made = await one(client, [
      'Email/set',
      {
        accountId,
        create: {
          fwd: {
            mailboxIds: { [role('drafts')]: true },
            keywords: { $draft: true },
            from: [{ name: 'Sylvie Dupont', email: 'sylvie.dupont@ac-test.fr' }],
            to: [{ name: null, email: 'sylvain.durand@ac-test.fr' }],
            subject: 'Fwd: Conseil de classe',
            textBody: [{ partId: 't', type: 'text/plain' }],
            bodyValues: { t: { value: 'Pour information.\n' } },
            attachments: [
              {
                blobId: received?.blobId,
                type: 'message/rfc822',
                name: 'Conseil de classe.eml',
                disposition: 'attachment',
              },
            ],
          },
        },
      },
      's',
    ]);
    const draft = (made.created as Record<string, { id: string; blobId: string }>).fwd;
    expect(draft, JSON.stringify(made.notCreated)).toBeDefined();
    const got = await one(client, [
      'Email/get',
      { accountId, ids: [draft?.id], properties: ['attachments', 'hasAttachment'] },
      'g',
    ]);
    const [attached] =
      (got.list as { attachments: { blobId: string; type: string; name: string; size: number }[] }[])[0]
        ?.attachments ?? [];
    expect(attached).toMatchObject({ type: 'message/rfc822', name: 'Conseil de classe.eml' });
    const part = await download(client, `/jmap/download/${accountId}/${attached?.blobId}/m.eml`);
    expect(part.equals(stored)).toBe(true);

    // The composed MIME: the part is message/rfc822 without a base64 wrapping, parsed back whole.
    const raw = await readMessageBytes(t.server.facteur.ctx, draft?.blobId as string);
    const text = raw.toString('latin1');
    expect(text).toMatch(/Content-Type: message\/rfc822[^\r\n]*\r\nContent-Transfer-Encoding: 8bit\r\n/i);
    const parsed = parseMessage(raw);
    expect(parsed.attachments.map((a) => a.contentType)).toContain('message/rfc822');
    const inner = parsed.root.children.find((c) => c.message !== null);
    expect(inner?.message?.envelope.subject).toBe('Conseil de classe');
    expect(raw.subarray(inner?.bodyStart, inner?.bodyEnd).equals(stored)).toBe(true);
    // Someone else's message cannot be attached by its blob id.
    const other = await signedIn('eberengerlevy');
    const stolen = await one(other.client, [
      'Email/set',
      {
        accountId: other.accountId,
        create: {
          x: {
            mailboxIds: { [role('drafts')]: true },
            subject: 'x',
            attachments: [{ blobId: received?.blobId, type: 'message/rfc822' }],
          },
        },
      },
      's',
    ]);
    expect(stolen.notCreated).toMatchObject({
      x: { type: expect.stringMatching(/blobNotFound|invalidProperties/) },
    });
  });
});
