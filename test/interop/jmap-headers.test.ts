/**
 * Email/get `headers` and `header:{name}:as{Form}[:all]` properties (RFC 8621 §4.1.2–4.1.3), over HTTP
 * against a running server: values read from a message delivered over SMTP (encoded words, groups,
 * folded fields, repeated fields, a list's URLs) and from one written with Email/set, the same
 * properties on body parts through bodyProperties, and invalidArguments for a malformed property,
 * an unknown form, or a form the RFC does not allow for a known field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
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

type Call = [string, Record<string, unknown>, string];

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

const MESSAGE = [
  'From: =?UTF-8?Q?=C3=89lo=C3=AFse_B=C3=A9renger?= <eloise@example.org>',
  'To: Conseil: "Dupont, Sylvie" <sylvie.dupont@ac-test.fr>, jean.martin@ac-test.fr;,',
  ' Paul Durand <paul@example.org>',
  'Subject: =?ISO-8859-1?Q?R=E9union?= du',
  '  conseil',
  'Date: Mon, 2 Mar 2026 09:15:00 +0100',
  'Message-ID: <conseil-1@example.org>',
  'References: <a@example.org>',
  ' <b@example.org>',
  'List-Unsubscribe: <mailto:leave@example.org>, <https://example.org/leave>',
  'X-Priorite: =?UTF-8?B?w6l0w6k=?=',
  'X-Tag: un',
  'X-Tag: deux',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour.',
  '--b',
  'Content-Type: application/pdf; name="cr.pdf"',
  'Content-Disposition: attachment; filename="cr.pdf"',
  'Content-Transfer-Encoding: base64',
  'X-Part: =?UTF-8?Q?pi=C3=A8ce?=',
  '',
  'JVBERi0xLjQK',
  '--b--',
  '',
].join('\r\n');

async function delivered() {
  const file = join(mkdtempSync(join(tmpdir(), 'jmap-headers-')), 'message.eml');
  writeFileSync(file, MESSAGE);
  const sent = await swaks(t.server.smtpPort, [
    '--from',
    'eloise@example.org',
    '--to',
    'sylvie.dupont@ac-test.fr',
    '--data',
    file,
  ]);
  expect(sent.code, sent.stdout).toBe(0);
  const { client, accountId } = await signInJmap(t, 'sdupont', PASSWORD);
  const ids = (await one(client, ['Email/query', { accountId }, 'q'])).ids as string[];
  expect(ids).toHaveLength(1);
  return { client, accountId, id: ids[0] as string };
}

describe('JMAP Email/get header properties', () => {
  it('reads every form of the fields of a message delivered over SMTP', async () => {
    const { client, accountId, id } = await delivered();
    const properties = [
      'sentAt',
      'headers',
      'header:Subject',
      'header:subject:asText',
      'header:From:asAddresses',
      'header:To:asGroupedAddresses',
      'header:To:asAddresses',
      'header:Date:asDate',
      'header:Message-ID:asMessageIds',
      'header:References:asMessageIds',
      'header:List-Unsubscribe:asURLs',
      'header:X-Priorite:asText',
      'header:X-Priorite:asAddresses',
      'header:X-Tag',
      'header:X-Tag:all',
      'header:X-Tag:asText:all',
      'header:X-Absent',
      'header:X-Absent:asURLs:all',
    ];
    const got = await one(client, ['Email/get', { accountId, ids: [id], properties }, 'g']);
    const [email] = got.list as Record<string, unknown>[];
    expect(email).toMatchObject({
      'header:Subject': ' =?ISO-8859-1?Q?R=E9union?= du\r\n  conseil',
      'header:subject:asText': 'Réunion du  conseil',
      'header:From:asAddresses': [{ name: 'Éloïse Bérenger', email: 'eloise@example.org' }],
      'header:To:asGroupedAddresses': [
        {
          name: 'Conseil',
          addresses: [
            { name: 'Dupont, Sylvie', email: 'sylvie.dupont@ac-test.fr' },
            { name: null, email: 'jean.martin@ac-test.fr' },
          ],
        },
        { name: null, addresses: [{ name: 'Paul Durand', email: 'paul@example.org' }] },
      ],
      'header:To:asAddresses': [
        { name: 'Dupont, Sylvie', email: 'sylvie.dupont@ac-test.fr' },
        { name: null, email: 'jean.martin@ac-test.fr' },
        { name: 'Paul Durand', email: 'paul@example.org' },
      ],
      'header:Date:asDate': '2026-03-02T08:15:00Z',
      'header:Message-ID:asMessageIds': ['conseil-1@example.org'],
      'header:References:asMessageIds': ['a@example.org', 'b@example.org'],
      'header:List-Unsubscribe:asURLs': ['mailto:leave@example.org', 'https://example.org/leave'],
      'header:X-Priorite:asText': 'été',
      'header:X-Tag': ' deux',
      'header:X-Tag:all': [' un', ' deux'],
      'header:X-Tag:asText:all': ['un', 'deux'],
      'header:X-Absent': null,
      'header:X-Absent:asURLs:all': [],
    });
    // Any field outside RFC 5322 and RFC 2369 may be asked in any form.
    expect(Array.isArray(email?.['header:X-Priorite:asAddresses'])).toBe(true);
    // header:Date:asDate is sentAt (RFC 8621 §4.1.2.6).
    expect(email?.sentAt).toBe(email?.['header:Date:asDate']);
    // `headers`: every field in order, as written (the server's trace fields come first).
    const headers = email?.headers as { name: string; value: string }[];
    const names = headers.map((h) => h.name);
    expect(names.slice(names.indexOf('From'))).toEqual([
      'From',
      'To',
      'Subject',
      'Date',
      'Message-ID',
      'References',
      'List-Unsubscribe',
      'X-Priorite',
      'X-Tag',
      'X-Tag',
      'MIME-Version',
      'Content-Type',
    ]);
    expect(headers.find((h) => h.name === 'References')?.value).toBe(' <a@example.org>\r\n <b@example.org>');
    // Not asked, not given: `headers` is not a default property.
    const plain = await one(client, ['Email/get', { accountId, ids: [id] }, 'g']);
    expect(plain.list as Record<string, unknown>[]).toHaveLength(1);
    expect((plain.list as Record<string, unknown>[])[0]).not.toHaveProperty('headers');
  });

  it('gives header properties of body parts through bodyProperties', async () => {
    const { client, accountId, id } = await delivered();
    const got = await one(client, [
      'Email/get',
      {
        accountId,
        ids: [id],
        properties: ['textBody', 'attachments'],
        bodyProperties: ['partId', 'type', 'name', 'header:X-Part:asText', 'header:Content-Type', 'headers'],
      },
      'g',
    ]);
    const [email] = got.list as {
      textBody: Record<string, unknown>[];
      attachments: Record<string, unknown>[];
    }[];
    expect(email?.attachments).toEqual([
      {
        partId: '2',
        type: 'application/pdf',
        name: 'cr.pdf',
        'header:X-Part:asText': 'pièce',
        'header:Content-Type': ' application/pdf; name="cr.pdf"',
        headers: [
          { name: 'Content-Type', value: ' application/pdf; name="cr.pdf"' },
          { name: 'Content-Disposition', value: ' attachment; filename="cr.pdf"' },
          { name: 'Content-Transfer-Encoding', value: ' base64' },
          { name: 'X-Part', value: ' =?UTF-8?Q?pi=C3=A8ce?=' },
        ],
      },
    ]);
    expect(email?.textBody[0]).toMatchObject({
      partId: '1',
      type: 'text/plain',
      'header:X-Part:asText': null,
    });
    expect(email?.textBody[0]).not.toHaveProperty('blobId');
  });

  it('reads back the fields of a message written with Email/set', async () => {
    const { client, accountId } = await signInJmap(t, 'sdupont', PASSWORD);
    const boxes = await one(client, ['Mailbox/get', { accountId }, 'm']);
    const drafts = (boxes.list as { id: string; role: string }[]).find((b) => b.role === 'drafts')
      ?.id as string;
    const from = [{ name: 'Sylvie Dupont-Lefèvre', email: 'sylvie.dupont@ac-test.fr' }];
    const to = [
      { name: 'Jean Martin', email: 'jean.martin@ac-test.fr' },
      { name: null, email: 'paul@example.org' },
    ];
    const subject = 'Sortie scolaire à Orléans — autorisation « parentale »';
    const created = await one(client, [
      'Email/set',
      {
        accountId,
        create: {
          k: {
            mailboxIds: { [drafts]: true },
            from,
            to,
            subject,
            references: ['racine@example.org'],
            textBody: [{ partId: 't', type: 'text/plain' }],
            bodyValues: { t: { value: 'Bonjour.\n' } },
          },
        },
      },
      's',
    ]);
    const id = (created.created as Record<string, { id: string }>).k?.id as string;
    const got = await one(client, [
      'Email/get',
      {
        accountId,
        ids: [id],
        properties: [
          'subject',
          'sentAt',
          'header:Subject:asText',
          'header:From:asAddresses',
          'header:To:asAddresses',
          'header:References:asMessageIds',
          'header:Date:asDate',
          'header:Message-ID:asMessageIds',
        ],
      },
      'g',
    ]);
    const [email] = got.list as Record<string, unknown>[];
    expect(email).toMatchObject({
      'header:Subject:asText': subject,
      'header:From:asAddresses': from,
      'header:To:asAddresses': to,
      'header:References:asMessageIds': ['racine@example.org'],
    });
    expect(email?.['header:Date:asDate']).toBe(email?.sentAt);
    expect(email?.['header:Message-ID:asMessageIds']).toHaveLength(1);
    // Another user cannot read it, headers or not.
    const jean = await signInJmap(t, 'jmartin', PASSWORD);
    expect(
      await one(jean.client, [
        'Email/get',
        { accountId: jean.accountId, ids: [id], properties: ['header:Subject:asText'] },
        'g',
      ]),
    ).toMatchObject({ list: [], notFound: [id] });
  });

  it('refuses malformed properties, unknown forms and forms not allowed for a field', async () => {
    const { client, accountId, id } = await delivered();
    const refused = async (extra: Record<string, unknown>) => {
      const [response] = await jmap(client, [['Email/get', { accountId, ids: [id], ...extra }, 'g']]);
      return response?.[0] === 'error' ? (response[1] as { type: string }).type : response?.[0];
    };
    for (const property of [
      'header:From:asDate',
      'header:Subject:asAddresses',
      'header:Date:asText',
      'header:Message-ID:asURLs',
      'header:List-Post:asText',
      'header:Received:asText',
      'header:X-Foo:asBogus',
      'header:X-Foo:asraw',
      'header:X-Foo:all:asText',
      'header:X-Foo:asText:all:encore',
      'header:',
      'header:X Foo',
      'headers:all',
    ]) {
      expect(await refused({ properties: [property] }), property).toBe('invalidArguments');
    }
    expect(await refused({ properties: ['attachments'], bodyProperties: ['header:From:asDate'] })).toBe(
      'invalidArguments',
    );
    expect(await refused({ properties: ['attachments'], bodyProperties: ['bogus'] })).toBe(
      'invalidArguments',
    );
    expect(await refused({ properties: ['attachments'], bodyProperties: 'partId' })).toBe('invalidArguments');
    // Raw is allowed for any field, and a known field in its own form.
    expect(
      await refused({ properties: ['header:Received', 'header:Return-Path:all', 'header:List-Post:asURLs'] }),
    ).toBe('Email/get');
  });
});
