/**
 * Writing and sending mail over JMAP, through HTTP against the running server: blob upload, a draft
 * made with Email/set create (attachment from the upload), Identity/get, EmailSubmission/set sending
 * at once with onSuccessUpdateEmail moving the draft to Sent, and held sends (HOLDFOR/HOLDUNTIL)
 * canceled before their time or released by the server on its own. What arrives is read back by the
 * recipient over JMAP and IMAP.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'];
let t: TestServer;
const imapClients: ImapTestClient[] = [];

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
    ['Paul', 'Durand'],
  ]);
});

afterEach(async () => {
  for (const client of imapClients.splice(0)) client.close();
  await t.close();
});

type Call = [string, Record<string, unknown>, string];

async function signedIn(login: string) {
  const { client, accountId, session } = await signInJmap(t, login, PASSWORD);
  const boxes = await jmap(client, [['Mailbox/get', { accountId }, 'm']]);
  const role = (name: string) =>
    ((boxes[0]?.[1].list ?? []) as { id: string; role: string }[]).find((b) => b.role === name)?.id as string;
  return {
    client,
    accountId,
    session,
    drafts: role('drafts'),
    sent: role('sent'),
    inbox: role('inbox'),
  };
}

async function jmap(client: HttpClient, calls: Call[]) {
  const response = await client.request('POST', '/jmap/api', { using: USING, methodCalls: calls });
  expect(response.status, response.text).toBe(200);
  return response.json.methodResponses as Call[];
}

function args(responses: Call[], callId: string, name?: string): Record<string, unknown> {
  const found = responses.find(([n, , id]) => id === callId && (name === undefined || n === name));
  if (!found) throw new Error(`no response ${callId} ${name ?? ''}: ${JSON.stringify(responses)}`);
  return found[1];
}

async function upload(client: HttpClient, accountId: string, bytes: Buffer, type: string) {
  return client.request('POST', `/jmap/upload/${accountId}/`, bytes, { 'content-type': type });
}

function draft(me: { drafts: string }, extra: Record<string, unknown> = {}) {
  return {
    mailboxIds: { [me.drafts]: true },
    keywords: { $draft: true, $seen: true },
    from: [{ name: 'Sylvie Dupont', email: 'sylvie.dupont@ac-test.fr' }],
    to: [{ name: 'Jean Martin', email: 'jean.martin@ac-test.fr' }],
    subject: 'Compte rendu du conseil',
    textBody: [{ partId: 't', type: 'text/plain' }],
    bodyValues: { t: { value: 'Bonjour Jean,\n\nvoici le compte rendu.\n' } },
    ...extra,
  };
}

async function inboxOf(login: string) {
  const me = await signedIn(login);
  const responses = await jmap(me.client, [
    ['Email/query', { accountId: me.accountId, filter: { inMailbox: me.inbox } }, 'q'],
    [
      'Email/get',
      {
        accountId: me.accountId,
        '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
        properties: ['subject', 'attachments', 'from', 'blobId'],
      },
      'g',
    ],
  ]);
  return { me, list: args(responses, 'g').list as Record<string, unknown>[] };
}

describe('JMAP compose and send', () => {
  it('uploads a file, writes a draft with it, and sends it: the recipient gets the same bytes', async () => {
    const sylvie = await signedIn('sdupont');
    expect(sylvie.session.capabilities).toHaveProperty(['urn:ietf:params:jmap:submission']);
    const bytes = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256));
    const uploaded = await upload(sylvie.client, sylvie.accountId, bytes, 'application/pdf');
    expect(uploaded.status).toBe(201);
    expect(uploaded.json).toMatchObject({
      accountId: sylvie.accountId,
      type: 'application/pdf',
      size: 50_000,
    });
    const blobId = uploaded.json.blobId as string;
    // Someone else's account id: refused.
    expect((await upload(sylvie.client, 'autre', bytes, 'application/pdf')).status).toBe(404);

    const responses = await jmap(sylvie.client, [
      [
        'Email/set',
        {
          accountId: sylvie.accountId,
          create: {
            k1: draft(sylvie, {
              bcc: [{ name: null, email: 'paul.durand@ac-test.fr' }],
              attachments: [
                { blobId, type: 'application/pdf', name: 'compte rendu.pdf', disposition: 'attachment' },
              ],
            }),
          },
        },
        's',
      ],
      ['Identity/get', { accountId: sylvie.accountId }, 'i'],
    ]);
    const created = (args(responses, 's').created as Record<string, { id: string }>).k1;
    expect(created?.id).toBeTruthy();
    const identities = args(responses, 'i').list as { id: string; email: string; name: string }[];
    expect(identities).toEqual([
      expect.objectContaining({ email: 'sylvie.dupont@ac-test.fr', name: 'Sylvie Dupont' }),
    ]);

    // The draft, seen over IMAP in Drafts with \Draft.
    const imap = await ImapTestClient.open(t.server.imapsPort, { tls: true });
    imapClients.push(imap);
    await imap.command(`LOGIN sdupont "${PASSWORD}"`);
    await imap.command('SELECT Drafts');
    const fetched = await imap.command('FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT BCC)])');
    expect(fetched).toMatch(/FLAGS \([^)]*\\Draft/);
    expect(fetched).toContain('Subject: Compte rendu du conseil');
    expect(fetched).toContain('Bcc: paul.durand@ac-test.fr');

    const sent = await jmap(sylvie.client, [
      [
        'EmailSubmission/set',
        {
          accountId: sylvie.accountId,
          create: { s1: { identityId: identities[0]?.id, emailId: created?.id } },
          onSuccessUpdateEmail: {
            '#s1': {
              [`mailboxIds/${sylvie.drafts}`]: null,
              [`mailboxIds/${sylvie.sent}`]: true,
              'keywords/$draft': null,
            },
          },
        },
        'x',
      ],
    ]);
    expect(args(sent, 'x', 'EmailSubmission/set').created).toMatchObject({ s1: { undoStatus: 'final' } });
    expect(args(sent, 'x', 'Email/set').updated).toEqual({ [created?.id as string]: null });

    const jean = await inboxOf('jmartin');
    expect(jean.list).toHaveLength(1);
    const [received] = jean.list as {
      subject: string;
      blobId: string;
      attachments: { blobId: string; name: string }[];
    }[];
    expect(received?.subject).toBe('Compte rendu du conseil');
    // What was transmitted has no Bcc field.
    const raw = await jean.me.client.request(
      'GET',
      `/jmap/download/${jean.me.accountId}/${received?.blobId}/m.eml`,
    );
    expect(raw.text).toContain('Subject: Compte rendu du conseil');
    expect(raw.text).not.toMatch(/^bcc:/im);
    expect(received?.attachments.map((a) => a.name)).toEqual(['compte rendu.pdf']);
    const download = await jean.me.client.request(
      'GET',
      `/jmap/download/${jean.me.accountId}/${received?.attachments[0]?.blobId}/x.pdf?type=application/pdf`,
    );
    expect(download.status).toBe(200);
    const got = Buffer.from(
      await (
        await fetch(
          `${t.baseUrl}/jmap/download/${jean.me.accountId}/${received?.attachments[0]?.blobId}/x.pdf`,
          {
            headers: { cookie: [...jean.me.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
          },
        )
      ).arrayBuffer(),
    );
    expect(createHash('sha256').update(got).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    // The Bcc recipient got it too, and Sylvie's copy is in Sent.
    expect((await inboxOf('pdurand')).list).toHaveLength(1);
    const inSent = await jmap(sylvie.client, [
      ['Email/query', { accountId: sylvie.accountId, filter: { inMailbox: sylvie.sent } }, 'q'],
    ]);
    expect(args(inSent, 'q').ids).toEqual([created?.id]);
  });

  it('holds a message for undo: canceled in time, nothing is delivered; not canceled, it goes alone', async () => {
    const sylvie = await signedIn('sdupont');
    const make = await jmap(sylvie.client, [
      [
        'Email/set',
        {
          accountId: sylvie.accountId,
          create: { a: draft(sylvie), b: draft(sylvie, { subject: 'Deuxième' }) },
        },
        's',
      ],
      ['Identity/get', { accountId: sylvie.accountId }, 'i'],
    ]);
    const created = args(make, 's').created as Record<string, { id: string }>;
    const identityId = (args(make, 'i').list as { id: string }[])[0]?.id;
    const hold = (emailId: string | undefined, seconds: number) => ({
      identityId,
      emailId,
      envelope: {
        mailFrom: { email: 'sylvie.dupont@ac-test.fr', parameters: { HOLDFOR: String(seconds) } },
        rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
      },
    });
    const held = await jmap(sylvie.client, [
      [
        'EmailSubmission/set',
        { accountId: sylvie.accountId, create: { u: hold(created.a?.id, 3), v: hold(created.b?.id, 1) } },
        'x',
      ],
    ]);
    const submissions = args(held, 'x').created as Record<
      string,
      { id: string; undoStatus: string; sendAt: string }
    >;
    expect(submissions.u?.undoStatus).toBe('pending');
    expect(Date.parse(submissions.u?.sendAt as string)).toBeGreaterThan(Date.now() + 1000);
    const cancel = await jmap(sylvie.client, [
      [
        'EmailSubmission/set',
        {
          accountId: sylvie.accountId,
          update: { [submissions.u?.id as string]: { undoStatus: 'canceled' } },
        },
        'c',
      ],
    ]);
    expect(args(cancel, 'c').updated).toEqual({ [submissions.u?.id as string]: null });
    // The other is released by the server within a second or two of its time.
    await expect
      .poll(async () => (await inboxOf('jmartin')).list.length, { timeout: 6_000, interval: 250 })
      .toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const jean = await inboxOf('jmartin');
    expect(jean.list.map((e) => e.subject)).toEqual(['Deuxième']);
    const late = await jmap(sylvie.client, [
      [
        'EmailSubmission/set',
        {
          accountId: sylvie.accountId,
          update: { [submissions.v?.id as string]: { undoStatus: 'canceled' } },
        },
        'c',
      ],
      [
        'EmailSubmission/get',
        { accountId: sylvie.accountId, ids: [submissions.u?.id, submissions.v?.id] },
        'g',
      ],
    ]);
    expect(args(late, 'c').notUpdated).toMatchObject({
      [submissions.v?.id as string]: { type: 'cannotUnsend' },
    });
    expect((args(late, 'g').list as { undoStatus: string }[]).map((s) => s.undoStatus)).toEqual([
      'canceled',
      'final',
    ]);
  }, 30_000);

  it('refuses what it cannot do, per object, and never uses another user’s blob', async () => {
    const jean = await signedIn('jmartin');
    const secret = await upload(jean.client, jean.accountId, Buffer.from('confidentiel'), 'text/plain');
    const sylvie = await signedIn('sdupont');
    const responses = await jmap(sylvie.client, [
      [
        'Email/set',
        {
          accountId: sylvie.accountId,
          create: {
            stolen: draft(sylvie, { attachments: [{ blobId: secret.json.blobId, type: 'text/plain' }] }),
            spoofed: draft(sylvie, { from: [{ name: 'Recteur', email: 'recteur@ac-test.fr' }] }),
            twoBoxes: draft(sylvie, { mailboxIds: { [sylvie.drafts]: true, [sylvie.sent]: true } }),
            header: draft(sylvie, { 'header:X-Priority': '1' }),
            ok: draft(sylvie, { to: [{ name: null, email: 'personne@ac-test.fr' }] }),
          },
        },
        's',
      ],
      ['Identity/get', { accountId: sylvie.accountId }, 'i'],
    ]);
    const set = args(responses, 's');
    expect(set.notCreated).toMatchObject({
      stolen: { type: 'blobNotFound', notFound: [secret.json.blobId] },
      spoofed: { type: 'invalidProperties', properties: ['from'] },
      twoBoxes: { type: 'invalidProperties', properties: ['mailboxIds'] },
      header: { type: 'invalidProperties', properties: ['header:X-Priority'] },
    });
    const okId = (set.created as Record<string, { id: string }>).ok?.id;
    const identityId = (args(responses, 'i').list as { id: string }[])[0]?.id;
    const submit = await jmap(sylvie.client, [
      [
        'EmailSubmission/set',
        {
          accountId: sylvie.accountId,
          create: {
            unknownRecipient: { identityId, emailId: okId },
            badIdentity: { identityId: 'nope', emailId: okId },
            notMine: { identityId, emailId: 'nope' },
            badHold: {
              identityId,
              emailId: okId,
              envelope: {
                mailFrom: { email: 'sylvie.dupont@ac-test.fr', parameters: { HOLDFOR: 'demain' } },
                rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
              },
            },
            otherSender: {
              identityId,
              emailId: okId,
              envelope: {
                mailFrom: { email: 'jean.martin@ac-test.fr' },
                rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
              },
            },
          },
        },
        'x',
      ],
    ]);
    expect(args(submit, 'x').notCreated).toMatchObject({
      unknownRecipient: { type: 'invalidRecipients' },
      badIdentity: { type: 'invalidProperties', properties: ['identityId'] },
      notMine: { type: 'invalidProperties', properties: ['emailId'] },
      badHold: { type: 'invalidProperties', properties: ['envelope'] },
      otherSender: { type: 'forbiddenMailFrom' },
    });
    expect(args(submit, 'x').created).toBeNull();
    // Jean's upload is his: he can download it, Sylvie cannot.
    const path = (accountId: string) => `/jmap/download/${accountId}/${secret.json.blobId}/x.txt`;
    expect((await jean.client.request('GET', path(jean.accountId))).status).toBe(200);
    expect((await sylvie.client.request('GET', path(sylvie.accountId))).status).toBe(404);
  });
});
