/**
 * Email/queryChanges and Mailbox/queryChanges (RFC 8620 §5.6) against a running server: a client
 * that applies `removed` and `added` to the ids it had obtains exactly what a fresh query returns,
 * after SMTP delivery, IMAP STORE, IMAP EXPUNGE, JMAP Email/set moves and destroys, Mailbox/set and
 * IMAP folder changes; maxChanges, upToId, argument errors, and nothing of another user.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { swaksDeliver } from '../helpers/clients.js';
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

type Call = [string, Record<string, unknown>, string];

interface Session {
  client: HttpClient;
  accountId: string;
  /** The arguments of one call's response (or of its error). */
  call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

async function signedIn(login: string): Promise<Session> {
  const { client, accountId } = await signInJmap(t, login, PASSWORD);
  return {
    client,
    accountId,
    async call(name, args) {
      const response = await client.request('POST', '/jmap/api', {
        using: [CORE, MAIL],
        methodCalls: [[name, { accountId, ...args }, 'c']],
      });
      expect(response.status, response.text).toBe(200);
      const [[, result]] = response.json.methodResponses as [Call];
      return result;
    },
  };
}

async function deliver(to: string, subject: string, body: string) {
  const r = await swaksDeliver(t.server.smtpPort, to, subject, body);
  expect(r.code, r.stdout).toBe(0);
}

async function imap(login: string): Promise<ImapTestClient> {
  const client = await ImapTestClient.open(t.server.imapsPort, { tls: true });
  imapClients.push(client);
  expect(await client.command(`LOGIN ${login} "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
  return client;
}

/** What RFC 8620 §5.6 tells a client to do with a /queryChanges answer. */
function apply(old: readonly string[], changes: Record<string, unknown>): string[] {
  const removed = new Set(changes.removed as string[]);
  const next = old.filter((id) => !removed.has(id));
  for (const { id, index } of changes.added as { id: string; index: number }[]) next.splice(index, 0, id);
  return next;
}

/**
 * A client's cached query: each `check` asks for the changes since its state, applies them, and
 * compares with a fresh query.
 */
async function cachedQuery(session: Session, method: 'Email' | 'Mailbox', query: Record<string, unknown>) {
  const fresh = async () => {
    const result = await session.call(`${method}/query`, { ...query, calculateTotal: true });
    expect(result.canCalculateChanges).toBe(true);
    return { ids: result.ids as string[], state: result.queryState as string, total: result.total };
  };
  let cached = await fresh();
  return {
    get ids() {
      return cached.ids;
    },
    async check(): Promise<Record<string, unknown>> {
      const changes = await session.call(`${method}/queryChanges`, {
        ...query,
        sinceQueryState: cached.state,
        calculateTotal: true,
      });
      expect(changes.oldQueryState).toBe(cached.state);
      const applied = apply(cached.ids, changes);
      const now = await fresh();
      expect(applied).toEqual(now.ids);
      expect(changes.total).toBe(now.total);
      expect(changes.newQueryState).toBe(now.state);
      cached = now;
      return changes;
    },
  };
}

describe('Email/queryChanges', () => {
  it('brings a cached Inbox (receivedAt descending) up to date after SMTP, IMAP and JMAP changes', async () => {
    for (const n of [1, 2, 3, 4]) await deliver('sylvie.dupont@ac-test.fr', `Message ${n}`, `Texte ${n}.`);
    const sylvie = await signedIn('sdupont');
    const boxes = (await sylvie.call('Mailbox/get', {})).list as { id: string; role: string | null }[];
    const inbox = boxes.find((b) => b.role === 'inbox')?.id as string;
    const archive = boxes.find((b) => b.role === 'archive')?.id as string;
    const sort = [{ property: 'receivedAt', isAscending: false }];
    const inInbox = await cachedQuery(sylvie, 'Email', { filter: { inMailbox: inbox }, sort });
    const flagged = await cachedQuery(sylvie, 'Email', { filter: { hasKeyword: '$flagged' } });
    const everything = await cachedQuery(sylvie, 'Email', { sort });
    const fromStart = await cachedQuery(sylvie, 'Email', { filter: { inMailbox: inbox }, sort });
    expect(inInbox.ids).toHaveLength(4);

    // A new message over SMTP: added at the top.
    await deliver('sylvie.dupont@ac-test.fr', 'Message 5', 'Texte 5.');
    const delivered = await inInbox.check();
    expect(delivered.removed).toEqual([]);
    expect(delivered.added).toEqual([{ id: inInbox.ids[0], index: 0 }]);
    await everything.check();

    // Flags over IMAP STORE: still in the Inbox, in the same place; joins the flagged query.
    const session = await imap('sdupont');
    await session.command('SELECT INBOX');
    expect(await session.command('STORE 2 +FLAGS (\\Flagged)')).toMatch(/OK/);
    await inInbox.check();
    const nowFlagged = await flagged.check();
    expect(nowFlagged.added).toHaveLength(1);

    // IMAP EXPUNGE of the oldest message: it leaves the Inbox (and the account).
    expect(await session.command('STORE 1 +FLAGS (\\Deleted)')).toMatch(/OK/);
    expect(await session.command('EXPUNGE')).toMatch(/OK/);
    await inInbox.check();
    await everything.check();

    // JMAP Email/set: one moved to Archive (leaves the Inbox, stays in the account), one destroyed.
    const [moved, destroyed] = inInbox.ids.slice(1, 3) as [string, string];
    const set = await sylvie.call('Email/set', {
      update: { [moved]: { mailboxIds: { [archive]: true } } },
      destroy: [destroyed],
    });
    expect(set.notUpdated ?? null).toBeNull();
    expect(set.notDestroyed ?? null).toBeNull();
    const afterSet = await inInbox.check();
    expect(afterSet.removed).toEqual(expect.arrayContaining([moved, destroyed]));
    await everything.check();
    await flagged.check();

    // Every change since the first state, in one answer.
    const cumulative = await fromStart.check();
    expect(cumulative.oldQueryState).not.toBe(cumulative.newQueryState);
    // Nothing changed since: an empty answer at the same state.
    expect(await inInbox.check()).toMatchObject({ removed: [], added: [] });
  });

  it('follows a text filter, and omits what lies after upToId', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Conseil de classe', 'Le conseil a lieu jeudi.');
    await deliver('sylvie.dupont@ac-test.fr', 'Cantine', 'Menu de la semaine.');
    await deliver('sylvie.dupont@ac-test.fr', 'Conseil d’école', 'Ordre du jour du conseil.');
    const sylvie = await signedIn('sdupont');
    const found = await cachedQuery(sylvie, 'Email', { filter: { text: 'conseil' } });
    expect(found.ids).toHaveLength(2);
    const [newest, oldest] = found.ids as [string, string];
    const state = (
      (await sylvie.call('Email/query', { filter: { text: 'conseil' } })) as { queryState: string }
    ).queryState;

    await deliver('sylvie.dupont@ac-test.fr', 'Conseil pédagogique', 'Le CONSEIL se réunit.');
    await deliver('sylvie.dupont@ac-test.fr', 'Sortie', 'Rien à voir.');
    // Keywords cannot move a message in a text query: a flag change is no change of it.
    const session = await imap('sdupont');
    await session.command('SELECT INBOX');
    expect(await session.command('STORE 1:* +FLAGS (\\Seen)')).toMatch(/OK/);
    expect((await sylvie.call('Email/set', { destroy: [oldest] })).destroyed).toEqual([oldest]);
    const changes = await found.check();
    expect(changes.removed).toEqual([oldest]);
    expect((changes.added as unknown[]).length).toBe(1);

    // Past upToId nothing is reported (the text filter and the sort are immutable): a message
    // appended over IMAP with a date of 2020 sorts last, after the client's upToId.
    const message = 'From: a@example.org\r\nSubject: Vieux conseil\r\n\r\nUn ancien conseil.\r\n';
    session.send(
      `A1 APPEND INBOX "01-Jan-2020 10:00:00 +0000" {${Buffer.byteLength(message)}+}\r\n${message}\r\n`,
    );
    expect(await session.waitFor(/^A1 (OK|NO|BAD).*\r\n/m)).toMatch(/^A1 OK/);
    expect((await found.check()).added).toEqual([{ id: expect.any(String), index: 2 }]);
    const all = await sylvie.call('Email/queryChanges', {
      filter: { text: 'conseil' },
      sinceQueryState: state,
    });
    expect((all.added as { index: number }[]).map((a) => a.index)).toEqual([0, 2]);
    const upTo = await sylvie.call('Email/queryChanges', {
      filter: { text: 'conseil' },
      sinceQueryState: state,
      upToId: newest,
    });
    expect(upTo.added).toEqual([(all.added as unknown[])[0]]);
    // upToId with a mutable filter is ignored (RFC 8620 §5.6).
    const inboxId = ((await sylvie.call('Mailbox/get', {})).list as { id: string; role: string }[]).find(
      (b) => b.role === 'inbox',
    )?.id;
    const mutable = await sylvie.call('Email/queryChanges', {
      filter: { text: 'conseil', inMailbox: inboxId },
      sinceQueryState: state,
      upToId: newest,
    });
    expect((mutable.added as { index: number }[]).map((a) => a.index)).toEqual([0, 1, 2]);
  });

  it('refuses more changes than maxChanges, bad arguments, and states it never gave', async () => {
    const sylvie = await signedIn('sdupont');
    const { queryState } = (await sylvie.call('Email/query', {})) as { queryState: string };
    await deliver('sylvie.dupont@ac-test.fr', 'Un', 'un');
    await deliver('sylvie.dupont@ac-test.fr', 'Deux', 'deux');
    const ask = (args: Record<string, unknown>) => sylvie.call('Email/queryChanges', args);
    expect((await ask({ sinceQueryState: queryState, maxChanges: 1 })).type).toBe('tooManyChanges');
    expect((await ask({ sinceQueryState: queryState, maxChanges: 2 })).added).toHaveLength(2);
    expect((await ask({})).type).toBe('invalidArguments');
    expect((await ask({ sinceQueryState: queryState, maxChanges: 0 })).type).toBe('invalidArguments');
    expect((await ask({ sinceQueryState: queryState, position: 3 })).type).toBe('invalidArguments');
    expect((await ask({ sinceQueryState: 'hier' })).type).toBe('cannotCalculateChanges');
    expect((await ask({ sinceQueryState: '999999' })).type).toBe('cannotCalculateChanges');
    expect((await ask({ sinceQueryState: queryState, sort: [{ property: 'subject' }] })).type).toBe(
      'unsupportedSort',
    );
    expect((await ask({ sinceQueryState: queryState, collapseThreads: true })).type).toBe(
      'cannotCalculateChanges',
    );
    expect((await ask({ sinceQueryState: queryState, filter: { header: ['X'] } })).type).toBe(
      'unsupportedFilter',
    );
  });

  it("gives nothing of another user's, whatever state or account is named", async () => {
    await deliver('jean.martin@ac-test.fr', 'Pour Jean', 'Privé.');
    const sylvie = await signedIn('sdupont');
    const jean = await signedIn('jmartin');
    const jeans = (await jean.call('Email/query', {})) as { ids: string[]; queryState: string };
    expect(jeans.ids).toHaveLength(1);
    await deliver('jean.martin@ac-test.fr', 'Encore pour Jean', 'Privé aussi.');
    await deliver('sylvie.dupont@ac-test.fr', 'Pour Sylvie', 'À elle.');

    const other = await sylvie.client.request('POST', '/jmap/api', {
      using: [CORE, MAIL],
      methodCalls: [['Email/queryChanges', { accountId: jean.accountId, sinceQueryState: '0' }, 'c']],
    });
    expect(other.json.methodResponses[0][1].type).toBe('accountNotFound');
    // Jean's state read in Sylvie's account: a point of her log, her changes only.
    const answer = await sylvie.call('Email/queryChanges', { sinceQueryState: jeans.queryState });
    const hers = (await sylvie.call('Email/query', {})).ids as string[];
    const jeansNow = (await jean.call('Email/query', {})).ids as string[];
    if (answer.type === undefined) {
      for (const { id } of answer.added as { id: string }[]) expect(hers).toContain(id);
      for (const id of answer.removed as string[]) expect(jeansNow).not.toContain(id);
    } else {
      expect(answer.type).toBe('cannotCalculateChanges');
    }
  });
});

describe('Mailbox/queryChanges', () => {
  it('brings a cached folder list up to date after Mailbox/set and IMAP folder changes', async () => {
    const sylvie = await signedIn('sdupont');
    const byName = await cachedQuery(sylvie, 'Mailbox', { sort: [{ property: 'name' }] });
    const tree = await cachedQuery(sylvie, 'Mailbox', {
      sort: [{ property: 'sortOrder' }, { property: 'name' }],
      sortAsTree: true,
      filterAsTree: true,
      filter: { isSubscribed: true },
    });
    const topLevel = await cachedQuery(sylvie, 'Mailbox', { filter: { parentId: null, hasAnyRole: false } });
    expect(byName.ids).toHaveLength(6);

    const created = await sylvie.call('Mailbox/set', {
      create: {
        a: { name: 'Projets', isSubscribed: true },
        b: { name: 'Zoo', parentId: '#a', isSubscribed: true },
      },
    });
    const projets = (created.created as Record<string, { id: string }>).a?.id as string;
    const zoo = (created.created as Record<string, { id: string }>).b?.id as string;
    await byName.check();
    await tree.check();
    expect((await topLevel.check()).added).toEqual([{ id: projets, index: 0 }]);

    const session = await imap('sdupont');
    expect(await session.command('CREATE "Administration"')).toMatch(/OK/);
    expect(await session.command('RENAME "Projets" "Bulletins"')).toMatch(/OK/);
    await byName.check();
    await tree.check();
    await topLevel.check();

    // Unsubscribing a parent hides its child too under filterAsTree.
    await sylvie.call('Mailbox/set', { update: { [projets]: { isSubscribed: false } } });
    await tree.check();
    expect(tree.ids).not.toContain(projets);
    await sylvie.call('Mailbox/set', { destroy: [zoo] });
    await tree.check();
    expect((await sylvie.call('Mailbox/set', { destroy: [projets] })).destroyed).toEqual([projets]);
    await byName.check();
    await tree.check();
    await topLevel.check();
  });

  it('pages the folder list by position from either end, or by anchor', async () => {
    const sylvie = await signedIn('sdupont');
    const sort = [{ property: 'name' }];
    const all = (await sylvie.call('Mailbox/query', { sort })).ids as string[];
    expect(all).toHaveLength(6);
    expect((await sylvie.call('Mailbox/query', { sort, position: -2 })).ids).toEqual(all.slice(4));
    const page = await sylvie.call('Mailbox/query', { sort, anchor: all[2], anchorOffset: -1, limit: 2 });
    expect(page).toMatchObject({ position: 1, ids: all.slice(1, 3) });
    expect((await sylvie.call('Mailbox/query', { anchor: 'inconnu' })).type).toBe('anchorNotFound');
    expect((await sylvie.call('Mailbox/query', { position: 1.5 })).type).toBe('invalidArguments');
  });
});
