/**
 * VacationResponse over JMAP (RFC 8621 §8) and the auto-replies it causes, against a running server:
 * the capability, /get and /set with singleton errors, then mail delivered by swaks to the MX — a
 * colleague gets exactly one reply a week with the RFC 3834 fields, DKIM-signed; bulk and automatic
 * mail get none; a remote sender's reply waits in the outbound queue with a null sender; disabled,
 * nothing.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMessageBytes } from '../../src/core/mail/index.js';
import { listOutboundMessages } from '../../src/store/sql/index.js';
import { swaks } from '../helpers/clients.js';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const VACATION = 'urn:ietf:params:jmap:vacationresponse';
const DAY = 86_400_000;
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

async function signedIn(login: string) {
  return signInJmap(t, login, PASSWORD);
}

async function call(client: HttpClient, name: string, args: Record<string, unknown>) {
  const response = await client.request('POST', '/jmap/api', {
    using: [CORE, MAIL, VACATION],
    methodCalls: [[name, args, 'c']],
  });
  expect(response.status, response.text).toBe(200);
  return (response.json.methodResponses as [Call])[0][1];
}

/** Log lines of vacation decisions so far: each delivery to Sylvie with a vacation set adds one. */
const decisions = () => t.logs.filter((line) => /"event":"vacation\.reply_(sent|skipped|failed)"/.test(line));

/** Delivers through the MX and waits for the vacation's decision about that message. */
async function deliver(from: string, subject: string, extra: string[] = []): Promise<string> {
  const before = decisions().length;
  const r = await swaks(t.server.smtpPort, [
    '--from',
    from,
    '--to',
    'sylvie.dupont@ac-test.fr',
    '--header',
    `Subject: ${subject}`,
    '--body',
    'Bonjour, une question.',
    ...extra,
  ]);
  expect(r.code, r.stdout).toBe(0);
  const deadline = Date.now() + 10_000;
  while (decisions().length === before) {
    if (Date.now() > deadline) throw new Error(`no vacation decision for "${subject}"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return decisions().at(-1) as string;
}

describe('VacationResponse', () => {
  it('is a singleton that can only be updated, advertised in the session', async () => {
    const { client, accountId, session } = await signedIn('sdupont');
    expect(session.capabilities[VACATION]).toEqual({});
    expect(session.accounts[accountId].accountCapabilities[VACATION]).toEqual({});
    expect(session.primaryAccounts[VACATION]).toBe(accountId);

    const initial = await call(client, 'VacationResponse/get', { accountId });
    expect(initial).toMatchObject({
      list: [
        {
          id: 'singleton',
          isEnabled: false,
          fromDate: null,
          toDate: null,
          subject: null,
          textBody: null,
          htmlBody: null,
        },
      ],
      notFound: [],
    });
    expect(
      await call(client, 'VacationResponse/get', { accountId, ids: ['other'], properties: ['isEnabled'] }),
    ).toMatchObject({ list: [], notFound: ['other'] });

    const set = await call(client, 'VacationResponse/set', {
      accountId,
      ifInState: initial.state,
      create: { k: { isEnabled: true } },
      update: {
        singleton: {
          isEnabled: true,
          fromDate: '2026-07-01T00:00:00Z',
          subject: 'Absente',
          textBody: 'Lundi.',
        },
        other: { isEnabled: true },
      },
      destroy: ['singleton'],
    });
    expect(set).toMatchObject({
      oldState: initial.state,
      updated: { singleton: null },
      notCreated: { k: { type: 'singleton' } },
      notUpdated: { other: { type: 'notFound' } },
      notDestroyed: { singleton: { type: 'singleton' } },
    });
    expect(set.newState).not.toBe(initial.state);
    const bad = await call(client, 'VacationResponse/set', {
      accountId,
      update: { singleton: { isEnabled: 'yes', toDate: 'demain', colour: 'blue' } },
    });
    expect(bad.notUpdated).toMatchObject({
      singleton: { type: 'invalidProperties', properties: ['isEnabled', 'toDate', 'colour'] },
    });
    expect((await call(client, 'VacationResponse/set', { accountId, ifInState: initial.state })).type).toBe(
      'stateMismatch',
    );
    const after = await call(client, 'VacationResponse/get', {
      accountId,
      properties: ['isEnabled', 'fromDate', 'subject'],
    });
    expect(after.list).toEqual([
      { id: 'singleton', isEnabled: true, fromDate: '2026-07-01T00:00:00Z', subject: 'Absente' },
    ]);
    // Another user's account is not reachable, and his vacation is his own.
    const jean = await signedIn('jmartin');
    expect((await call(jean.client, 'VacationResponse/get', { accountId })).type).toBe('accountNotFound');
    expect(
      ((await call(jean.client, 'VacationResponse/get', { accountId: jean.accountId })).list as unknown[])[0],
    ).toMatchObject({ isEnabled: false });
  });

  it('answers a colleague once a week, never bulk or automatic mail, and nothing when disabled', async () => {
    const sylvie = await signedIn('sdupont');
    const jean = await signedIn('jmartin');
    const now = Date.now();
    const set = await call(sylvie.client, 'VacationResponse/set', {
      accountId: sylvie.accountId,
      update: {
        singleton: {
          isEnabled: true,
          fromDate: new Date(now - DAY).toISOString().replace(/\.\d+Z$/, 'Z'),
          toDate: new Date(now + 10 * DAY).toISOString().replace(/\.\d+Z$/, 'Z'),
          subject: 'Absente jusqu’au 20',
          textBody: 'Je lirai votre message à mon retour.',
        },
      },
    });
    expect(set.updated).toEqual({ singleton: null });
    const jeansInbox = async () => {
      const ids = (await call(jean.client, 'Email/query', { accountId: jean.accountId })).ids as string[];
      const got = await call(jean.client, 'Email/get', {
        accountId: jean.accountId,
        ids,
        properties: ['subject', 'blobId', 'inReplyTo'],
      });
      return got.list as { subject: string; blobId: string; inReplyTo: string[] | null }[];
    };

    expect(await deliver('jean.martin@ac-test.fr', 'Question')).toContain('vacation.reply_sent');
    const [reply, ...others] = await jeansInbox();
    expect(others).toEqual([]);
    expect(reply?.subject).toBe('Absente jusqu’au 20');
    const original = (
      await call(sylvie.client, 'Email/get', {
        accountId: sylvie.accountId,
        ids: (await call(sylvie.client, 'Email/query', { accountId: sylvie.accountId })).ids,
        properties: ['messageId'],
      })
    ).list as { messageId: string[] }[];
    expect(reply?.inReplyTo).toEqual(original[0]?.messageId);
    const raw = (await readMessageBytes(t.server.facteur.ctx, reply?.blobId as string)).toString('utf8');
    expect(raw).toMatch(/^DKIM-Signature: [^\r]*d=ac-test\.fr/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(raw).toMatch(/^From: Sylvie Dupont <sylvie\.dupont@ac-test\.fr>\r$/m);
    expect(raw).toContain('Je lirai votre message');

    // Within the week: no second reply to Jean.
    expect(await deliver('jean.martin@ac-test.fr', 'Autre question')).toContain('"reason":"already_replied"');
    // Bulk and automatic mail: none.
    expect(await deliver('lettre@example.org', 'Lettre', ['--header', 'Precedence: bulk'])).toContain(
      '"reason":"precedence"',
    );
    expect(
      await deliver('robot@example.org', 'Rapport', ['--header', 'Auto-Submitted: auto-generated']),
    ).toContain('"reason":"auto_submitted"');
    // A remote parent: the reply waits in the outbound queue, from the null sender.
    expect(await deliver('parent@example.org', 'Rendez-vous')).toContain('"route":"remote"');
    const queued = await listOutboundMessages(t.server.facteur.ctx.db, {
      accountId: sylvie.accountId,
      pendingOnly: false,
      limit: 10,
      offset: 0,
    });
    expect(queued.map((m) => m.mail_from)).toEqual(['']);

    // Disabled: nothing, even to someone never answered.
    await call(sylvie.client, 'VacationResponse/set', {
      accountId: sylvie.accountId,
      update: { singleton: { isEnabled: false } },
    });
    expect(await deliver('autre.parent@example.org', 'Encore')).toContain('"reason":"disabled"');
    expect(await jeansInbox()).toHaveLength(1);
    expect(
      await listOutboundMessages(t.server.facteur.ctx.db, { pendingOnly: false, limit: 10, offset: 0 }),
    ).toHaveLength(1);
  });
});
