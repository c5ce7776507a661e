import { describe, expect, it } from 'vitest';
import { type Invocation, type JmapClient, JmapMethodError, type MethodArgs } from '../jmap/jmap-client';
import { createAllMatchingApi, isWholeFolder, QUERY_PAGE, setArguments } from './all-matching-api';
import { BatchFailure } from './batches';

interface FakeEmail {
  id: string;
  threadId: string;
  subject: string;
  mailboxIds: Record<string, boolean>;
  keywords: Record<string, boolean>;
}

/**
 * A JMAP server in memory with Facteur's limits: Email/query answers at most `queryCap` ids (and says
 * the limit it applied), /get and /set take at most `maxObjects`; `refuse` ids are notUpdated.
 */
function fakeServer(emails: FakeEmail[], options: { queryCap?: number; maxObjects?: number } = {}) {
  const queryCap = options.queryCap ?? 1000;
  const maxObjects = options.maxObjects ?? 500;
  const refuse = new Set<string>();
  const calls: { name: string; args: MethodArgs }[] = [];
  const byId = () => new Map(emails.map((e) => [e.id, e]));
  const matches = (email: FakeEmail, filter: MethodArgs) =>
    (typeof filter.inMailbox !== 'string' || email.mailboxIds[filter.inMailbox] === true) &&
    (typeof filter.text !== 'string' || email.subject.includes(filter.text));
  const tooLarge = (callId: string, n: number) => {
    if (n > maxObjects) throw new JmapMethodError(callId, 'requestTooLarge', `${n} objects`);
  };

  const methods: Record<string, (args: MethodArgs, callId: string) => MethodArgs> = {
    'Email/query': (args) => {
      const filter = (args.filter ?? {}) as MethodArgs;
      // Newest first: the order of the array, reversed.
      let found = [...emails].reverse().filter((e) => matches(e, filter));
      if (args.collapseThreads) {
        const seen = new Set<string>();
        found = found.filter((e) => !seen.has(e.threadId) && seen.add(e.threadId));
      }
      const limit = Math.min(Number(args.limit), queryCap);
      const position = Number(args.position);
      return {
        ids: found.slice(position, position + limit).map((e) => e.id),
        position,
        total: found.length,
        ...(limit !== args.limit ? { limit } : {}),
      };
    },
    'Email/get': (args, callId) => {
      const ids = args.ids as string[];
      tooLarge(callId, ids.length);
      const all = byId();
      return { list: ids.flatMap((id) => all.get(id) ?? []) };
    },
    'Thread/get': (args, callId) => {
      const ids = [...new Set(args.ids as string[])];
      tooLarge(callId, ids.length);
      return {
        list: ids.map((id) => ({ id, emailIds: emails.filter((e) => e.threadId === id).map((e) => e.id) })),
      };
    },
    'Email/set': (args, callId) => {
      const update = (args.update ?? {}) as Record<string, MethodArgs>;
      const destroy = (args.destroy ?? []) as string[];
      tooLarge(callId, Object.keys(update).length + destroy.length);
      const all = byId();
      const notUpdated: Record<string, { type: string }> = {};
      const updated: Record<string, null> = {};
      for (const [id, patch] of Object.entries(update)) {
        const email = all.get(id);
        if (!email) notUpdated[id] = { type: 'notFound' };
        else if (refuse.has(id)) notUpdated[id] = { type: 'forbidden' };
        else {
          for (const [path, value] of Object.entries(patch)) {
            if (path === 'mailboxIds') email.mailboxIds = value as Record<string, boolean>;
            else if (path.startsWith('keywords/')) {
              const keyword = path.slice('keywords/'.length);
              if (value) email.keywords[keyword] = true;
              else delete email.keywords[keyword];
            }
          }
          updated[id] = null;
        }
      }
      const gone = new Set(destroy.filter((id) => all.has(id)));
      emails = emails.filter((e) => !gone.has(e.id));
      return {
        updated,
        notUpdated: Object.keys(notUpdated).length > 0 ? notUpdated : null,
        destroyed: [...gone],
        notDestroyed: null,
      };
    },
  };

  const client: JmapClient = {
    session: async () => ({
      accountId: 'A1',
      username: 'u',
      apiUrl: '/jmap/api',
      downloadUrl: '',
      uploadUrl: '',
      eventSourceUrl: '',
      maxSizeUpload: 0,
      maxObjectsInGet: maxObjects,
      maxObjectsInSet: maxObjects,
    }),
    async request(invocations: readonly Invocation[]) {
      const results = new Map<string, MethodArgs>();
      for (const [name, raw, callId] of invocations) {
        const args = { ...raw };
        const ref = args['#ids'] as { resultOf: string; path: string } | undefined;
        if (ref) {
          delete args['#ids'];
          const list = results.get(ref.resultOf)?.list as MethodArgs[];
          args.ids = list.map((o) => o[ref.path.split('/').pop() as string]);
        }
        expect(args.accountId).toBe('A1');
        calls.push({ name, args });
        const method = methods[name];
        if (!method) throw new Error(`unexpected ${name}`);
        results.set(callId, method(args, callId));
      }
      return results;
    },
  };
  return {
    client,
    calls,
    refuse,
    emails: () => emails,
  };
}

/** `n` messages in `mailbox`, each its own conversation unless `thread` groups them. */
function messages(n: number, mailbox: string, prefix = 'M', thread = (i: number) => `T-${prefix}${i}`) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    threadId: thread(i),
    subject: `Sujet ${prefix}${i}`,
    mailboxIds: { [mailbox]: true },
    keywords: {},
  }));
}

describe('all matching: finding the ids', () => {
  it('reads a 2 345-message folder by pages the server bounds, and nothing of other folders', async () => {
    const server = fakeServer([...messages(2345, 'inbox'), ...messages(3, 'other', 'X')], { queryCap: 700 });
    const api = createAllMatchingApi(server.client);
    const progress: (number | null)[][] = [];
    const ids = await api.matchingIds({ inMailbox: 'inbox' }, false, (p) => progress.push([p.done, p.total]));
    expect(ids).toHaveLength(2345);
    expect(new Set(ids).size).toBe(2345);
    expect(ids.every((id) => id.startsWith('M'))).toBe(true);
    const queries = server.calls.filter((c) => c.name === 'Email/query');
    expect(queries.map((q) => q.args.position)).toEqual([0, 700, 1400, 2100]);
    for (const q of queries) expect(q.args.limit).toBe(QUERY_PAGE);
    expect(progress.at(-1)).toEqual([2345, 2345]);
  });

  it('in conversations, takes a folder whole (each message is in a conversation shown)', async () => {
    const server = fakeServer(messages(1200, 'inbox', 'M', (i) => `T${i % 300}`));
    const ids = await createAllMatchingApi(server.client).matchingIds({ inMailbox: 'inbox' }, true);
    expect(ids).toHaveLength(1200);
    expect(server.calls.some((c) => c.args.collapseThreads)).toBe(false);
  });

  it('in conversations, expands search results to their conversations, kept to a searched folder', async () => {
    // 700 conversations of 3: the first found in the Inbox, its replies in Sent and the Inbox.
    const emails = Array.from({ length: 700 }, (_, i): FakeEmail[] => [
      { id: `Q${i}`, threadId: `T${i}`, subject: 'Question', mailboxIds: { inbox: true }, keywords: {} },
      { id: `S${i}`, threadId: `T${i}`, subject: 'Réponse', mailboxIds: { sent: true }, keywords: {} },
      { id: `R${i}`, threadId: `T${i}`, subject: 'Relance', mailboxIds: { inbox: true }, keywords: {} },
    ]).flat();
    const server = fakeServer([...emails, ...messages(5, 'inbox', 'Z')]);
    const api = createAllMatchingApi(server.client);
    const everywhere = await api.matchingIds({ text: 'Question' }, true);
    expect(everywhere).toHaveLength(2100);
    const inInbox = await api.matchingIds({ text: 'Question', inMailbox: 'inbox' }, true);
    expect(inInbox).toHaveLength(1400);
    expect(inInbox.some((id) => id.startsWith('S'))).toBe(false);
    // Every /get within the session's limit (the fake refuses more).
    for (const call of server.calls.filter((c) => c.name.endsWith('/get')))
      expect((call.args.ids as string[]).length).toBeLessThanOrEqual(500);
  });
});

describe('all matching: applying a change', () => {
  it('marks every message read by Email/set batches of maxObjectsInSet, saying its progress', async () => {
    const server = fakeServer([...messages(1234, 'inbox'), ...messages(2, 'other', 'X')]);
    const api = createAllMatchingApi(server.client);
    const ids = await api.matchingIds({ inMailbox: 'inbox' }, false);
    const progress: number[] = [];
    await api.apply(ids, { kind: 'keyword', keyword: '$seen', on: true }, (p) => {
      expect(p).toMatchObject({ phase: 'applying', total: 1234 });
      progress.push(p.done);
    });
    expect(progress).toEqual([500, 1000, 1234]);
    const seen = server.emails().filter((e) => e.keywords.$seen);
    expect(seen).toHaveLength(1234);
    expect(seen.every((e) => e.id.startsWith('M'))).toBe(true);
  });

  it('moves a whole folder (ids read first: the folder emptying as it goes skips none)', async () => {
    const server = fakeServer(messages(1600, 'inbox'), { queryCap: 1000 });
    const api = createAllMatchingApi(server.client);
    await api.apply(await api.matchingIds({ inMailbox: 'inbox' }, false), { kind: 'move', to: 'archive' });
    expect(server.emails().every((e) => e.mailboxIds.archive && !e.mailboxIds.inbox)).toBe(true);
  });

  it('stops at a refused batch and says how many were done; a message gone meanwhile is no failure', async () => {
    const server = fakeServer(messages(1600, 'inbox'));
    const api = createAllMatchingApi(server.client);
    const ids = await api.matchingIds({ inMailbox: 'inbox' }, false);
    server.refuse.add(ids[1100] as string);
    const failure = await api
      .apply([...ids.slice(0, 10), 'gone', ...ids.slice(10)], {
        kind: 'keyword',
        keyword: '$flagged',
        on: true,
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BatchFailure);
    expect(failure).toMatchObject({ done: 1500 - 1, total: 1601 });
    expect(server.emails().filter((e) => e.keywords.$flagged)).toHaveLength(1500 - 2);
  });

  it('destroys for good by batches', async () => {
    const server = fakeServer([...messages(700, 'trash'), ...messages(1, 'inbox', 'K')]);
    const api = createAllMatchingApi(server.client);
    await api.apply(await api.matchingIds({ inMailbox: 'trash' }, false), { kind: 'destroy' });
    expect(server.emails().map((e) => e.id)).toEqual(['K0']);
  });
});

describe('setArguments and isWholeFolder', () => {
  it('build the Email/set of each change', () => {
    expect(setArguments(['a'], { kind: 'keyword', keyword: '$seen', on: false })).toEqual({
      update: { a: { 'keywords/$seen': null } },
    });
    expect(setArguments(['a'], { kind: 'move', to: 'm' })).toEqual({
      update: { a: { mailboxIds: { m: true } } },
    });
    expect(setArguments(['a'], { kind: 'destroy' })).toEqual({ destroy: ['a'] });
    expect(isWholeFolder({ inMailbox: 'x' })).toBe(true);
    expect(isWholeFolder({ inMailbox: 'x', text: 'y' })).toBe(false);
    expect(isWholeFolder({ text: 'y' })).toBe(false);
  });
});
