/**
 * EmailSubmission/changes, /query and /queryChanges (RFC 8621 §7.2–7.4) over HTTP against a running
 * server, on SQLite and (when available) PostgreSQL: submissions sent at once, held, canceled and released by the
 * server; the filters (identityIds, emailIds, threadIds, undoStatus, before, after, operators) and
 * sorts (emailId, threadId, sentAt); /changes with maxChanges; /queryChanges of a filter on the one
 * property that changes; errors for bad arguments; and another user never seeing a submission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/database.js';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'];
let t: TestServer;

afterEach(async () => {
  await t.close();
});

type Call = [string, Record<string, unknown>, string];

async function jmap(client: HttpClient, calls: Call[]) {
  const response = await client.request('POST', '/jmap/api', { using: USING, methodCalls: calls });
  expect(response.status, response.text).toBe(200);
  return response.json.methodResponses as Call[];
}

/** The response to one call, which must be of the call's name (else the error is shown). */
async function one(client: HttpClient, call: Call): Promise<Record<string, unknown>> {
  const [response] = await jmap(client, [call]);
  expect(response?.[0], JSON.stringify(response)).toBe(call[0]);
  return response?.[1] as Record<string, unknown>;
}

/** The error type of one call that must fail. */
async function failure(client: HttpClient, call: Call): Promise<string> {
  const [response] = await jmap(client, [call]);
  expect(response?.[0], JSON.stringify(response)).toBe('error');
  return (response?.[1] as { type: string } | undefined)?.type ?? '';
}

async function signedIn(login: string) {
  const { client, accountId } = await signInJmap(t, login, PASSWORD);
  const boxes = await one(client, ['Mailbox/get', { accountId }, 'm']);
  const drafts = (boxes.list as { id: string; role: string }[]).find((b) => b.role === 'drafts')
    ?.id as string;
  return { client, accountId, drafts };
}

describe.each(testBackends())('EmailSubmission/changes, /query, /queryChanges on %s', (backend) => {
  it('finds, sorts and follows the submissions of the signed-in user only', async () => {
    t = await startServerWithUsers(
      PASSWORD,
      [
        ['Sylvie', 'Dupont'],
        ['Jean', 'Martin'],
      ],
      { backend },
    );
    const sylvie = await signedIn('sdupont');
    const { client, accountId } = sylvie;
    const state0 = (await one(client, ['EmailSubmission/get', { accountId, ids: [] }, 'g'])).state as string;

    // Three drafts, sent at once, in an hour and in two hours.
    const draft = (subject: string) => ({
      mailboxIds: { [sylvie.drafts]: true },
      keywords: { $draft: true },
      from: [{ name: 'Sylvie Dupont', email: 'sylvie.dupont@ac-test.fr' }],
      to: [{ name: 'Jean Martin', email: 'jean.martin@ac-test.fr' }],
      subject,
      textBody: [{ partId: 't', type: 'text/plain' }],
      bodyValues: { t: { value: `${subject}\n` } },
    });
    const submission = (emailId: string, holdFor: number | null) => ({
      identityId: accountId,
      emailId,
      envelope: {
        mailFrom: {
          email: 'sylvie.dupont@ac-test.fr',
          parameters: holdFor === null ? null : { HOLDFOR: String(holdFor) },
        },
        rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
      },
    });
    const made = await jmap(client, [
      ['Email/set', { accountId, create: { e1: draft('Un'), e2: draft('Deux'), e3: draft('Trois') } }, 'e'],
      [
        'EmailSubmission/set',
        {
          accountId,
          create: {
            s1: submission('#e1', null),
            s2: submission('#e2', 3600),
            s3: submission('#e3', 7200),
          },
        },
        's',
      ],
    ]);
    const emails = made[0]?.[1].created as Record<string, { id: string; threadId: string }>;
    const set = made[1]?.[1] as Record<string, unknown>;
    const created = set.created as Record<string, { id: string; sendAt: string; undoStatus: string }>;
    const [s1, s2, s3] = ['s1', 's2', 's3'].map((k) => created[k]?.id as string) as [string, string, string];
    type Made = { id: string; threadId: string };
    const [e1, e2, e3] = ['e1', 'e2', 'e3'].map((k) => emails[k] as Made) as [Made, Made, Made];
    expect(created.s1?.undoStatus).toBe('final');
    expect(created.s2?.undoStatus).toBe('pending');
    // Creating submissions moves the state, which is what /get says.
    const state1 = set.newState as string;
    expect(Number(state1)).toBeGreaterThan(Number(state0));
    expect((await one(client, ['EmailSubmission/get', { accountId, ids: [] }, 'g'])).state).toBe(state1);

    // /changes: the three, created.
    const changes = await one(client, ['EmailSubmission/changes', { accountId, sinceState: state0 }, 'c']);
    expect(changes).toMatchObject({
      oldState: state0,
      newState: state1,
      hasMoreChanges: false,
      destroyed: [],
    });
    expect([...(changes.created as string[])].sort()).toEqual([s1, s2, s3].sort());
    expect(changes.updated).toEqual([]);
    expect(
      await one(client, ['EmailSubmission/changes', { accountId, sinceState: state1 }, 'c']),
    ).toMatchObject({ newState: state1, created: [], updated: [], destroyed: [], hasMoreChanges: false });

    // /query: filters and sorts.
    const query = async (extra: Record<string, unknown>) =>
      (await one(client, ['EmailSubmission/query', { accountId, ...extra }, 'q'])).ids as string[];
    expect(await query({})).toEqual([s1, s2, s3]);
    expect(await query({ sort: [{ property: 'sentAt', isAscending: false }] })).toEqual([s3, s2, s1]);
    const byEmail = [
      [e1.id, s1],
      [e2.id, s2],
      [e3.id, s3],
    ]
      .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1))
      .map(([, s]) => s);
    expect(await query({ sort: [{ property: 'emailId' }] })).toEqual(byEmail);
    const byThread = [
      [e1.threadId, s1],
      [e2.threadId, s2],
      [e3.threadId, s3],
    ]
      .sort((a, b) => ((a[0] as string) > (b[0] as string) ? -1 : 1))
      .map(([, s]) => s);
    expect(await query({ sort: [{ property: 'threadId', isAscending: false }] })).toEqual(byThread);
    expect(await query({ filter: { undoStatus: 'pending' } })).toEqual([s2, s3]);
    expect(await query({ filter: { undoStatus: 'final' } })).toEqual([s1]);
    expect(await query({ filter: { emailIds: [e2.id] } })).toEqual([s2]);
    expect(await query({ filter: { threadIds: [e3.threadId, 'autre'] } })).toEqual([s3]);
    expect(await query({ filter: { identityIds: [accountId] } })).toEqual([s1, s2, s3]);
    expect(await query({ filter: { identityIds: ['autre'] } })).toEqual([]);
    const sendAt2 = created.s2?.sendAt as string;
    expect(await query({ filter: { after: sendAt2 } })).toEqual([s2, s3]);
    expect(await query({ filter: { before: sendAt2 } })).toEqual([s1]);
    expect(
      await query({
        filter: { operator: 'OR', conditions: [{ emailIds: [e1.id] }, { emailIds: [e3.id] }] },
      }),
    ).toEqual([s1, s3]);
    expect(await query({ filter: { operator: 'NOT', conditions: [{ undoStatus: 'pending' }] } })).toEqual([
      s1,
    ]);
    const page = await one(client, [
      'EmailSubmission/query',
      { accountId, position: 1, limit: 1, calculateTotal: true },
      'q',
    ]);
    expect(page).toMatchObject({
      ids: [s2],
      position: 1,
      total: 3,
      canCalculateChanges: true,
      queryState: state1,
    });
    expect(await query({ anchor: s2, anchorOffset: 1 })).toEqual([s3]);

    // Cancel the first held one: an update, and it leaves the pending query.
    const cancel = await one(client, [
      'EmailSubmission/set',
      { accountId, update: { [s2]: { undoStatus: 'canceled' } } },
      'x',
    ]);
    expect(cancel.updated).toEqual({ [s2]: null });
    const state2 = cancel.newState as string;
    expect(Number(state2)).toBeGreaterThan(Number(state1));
    expect(
      await one(client, ['EmailSubmission/changes', { accountId, sinceState: state1 }, 'c']),
    ).toMatchObject({
      newState: state2,
      created: [],
      updated: [s2],
      hasMoreChanges: false,
    });
    // maxChanges: the oldest changes first, then the rest from the intermediate state.
    const first = await one(client, [
      'EmailSubmission/changes',
      { accountId, sinceState: state0, maxChanges: 2 },
      'c',
    ]);
    expect(first).toMatchObject({ hasMoreChanges: true, created: [s1, s2], updated: [] });
    const rest = await one(client, [
      'EmailSubmission/changes',
      { accountId, sinceState: first.newState, maxChanges: 2 },
      'c',
    ]);
    expect(rest).toMatchObject({ hasMoreChanges: false, created: [s3], updated: [s2], newState: state2 });

    // /queryChanges: the pending query lost s2; the sentAt-sorted one (immutable) has nothing new.
    const pending = await one(client, [
      'EmailSubmission/queryChanges',
      { accountId, filter: { undoStatus: 'pending' }, sinceQueryState: state1, calculateTotal: true },
      'qc',
    ]);
    expect(pending).toMatchObject({
      oldQueryState: state1,
      newQueryState: state2,
      removed: [s2],
      added: [],
      total: 1,
    });
    expect(
      await one(client, [
        'EmailSubmission/queryChanges',
        { accountId, sort: [{ property: 'sentAt' }], sinceQueryState: state1 },
        'qc',
      ]),
    ).toMatchObject({ removed: [], added: [] });
    expect(
      await one(client, [
        'EmailSubmission/queryChanges',
        { accountId, filter: { undoStatus: 'canceled' }, sinceQueryState: state0 },
        'qc',
      ]),
    ).toMatchObject({ added: [{ id: s2, index: 0 }] });

    // Bad arguments.
    expect(
      await failure(client, [
        'EmailSubmission/query',
        { accountId, sort: [{ property: 'undoStatus' }] },
        'q',
      ]),
    ).toBe('unsupportedSort');
    expect(
      await failure(client, ['EmailSubmission/query', { accountId, filter: { undoStatus: 'sent' } }, 'q']),
    ).toBe('invalidArguments');
    expect(
      await failure(client, ['EmailSubmission/query', { accountId, filter: { emailIds: 'x' } }, 'q']),
    ).toBe('invalidArguments');
    expect(
      await failure(client, ['EmailSubmission/query', { accountId, filter: { before: 'demain' } }, 'q']),
    ).toBe('invalidArguments');
    expect(
      await failure(client, ['EmailSubmission/query', { accountId, filter: { subject: 'x' } }, 'q']),
    ).toBe('unsupportedFilter');
    expect(
      await failure(client, [
        'EmailSubmission/query',
        { accountId, filter: { operator: 'XOR', conditions: [] } },
        'q',
      ]),
    ).toBe('invalidArguments');
    expect(await failure(client, ['EmailSubmission/query', { accountId, anchor: 'inconnu' }, 'q'])).toBe(
      'anchorNotFound',
    );
    expect(await failure(client, ['EmailSubmission/query', { accountId, colour: 'bleu' }, 'q'])).toBe(
      'invalidArguments',
    );
    expect(await failure(client, ['EmailSubmission/changes', { accountId, sinceState: 'hier' }, 'c'])).toBe(
      'cannotCalculateChanges',
    );
    expect(
      await failure(client, ['EmailSubmission/changes', { accountId, sinceState: '99999999' }, 'c']),
    ).toBe('cannotCalculateChanges');
    expect(await failure(client, ['EmailSubmission/changes', { accountId, sinceState: 3 }, 'c'])).toBe(
      'invalidArguments',
    );
    expect(
      await failure(client, [
        'EmailSubmission/queryChanges',
        { accountId, sinceQueryState: '99999999' },
        'qc',
      ]),
    ).toBe('cannotCalculateChanges');

    // Jean sees none of it, however he asks.
    const jean = await signedIn('jmartin');
    expect(await failure(jean.client, ['EmailSubmission/query', { accountId }, 'q'])).toBe('accountNotFound');
    expect(await failure(jean.client, ['EmailSubmission/changes', { accountId, sinceState: '0' }, 'c'])).toBe(
      'accountNotFound',
    );
    const his = jean.accountId;
    expect((await one(jean.client, ['EmailSubmission/query', { accountId: his }, 'q'])).ids).toEqual([]);
    expect(
      (
        await one(jean.client, [
          'EmailSubmission/query',
          { accountId: his, filter: { emailIds: [e1.id, e2.id] } },
          'q',
        ])
      ).ids,
    ).toEqual([]);
    expect(
      await one(jean.client, ['EmailSubmission/get', { accountId: his, ids: [s1, s2] }, 'g']),
    ).toMatchObject({
      list: [],
      notFound: [s1, s2],
    });
    expect(
      await one(jean.client, ['EmailSubmission/changes', { accountId: his, sinceState: '0' }, 'c']),
    ).toMatchObject({
      created: [],
      updated: [],
    });
    expect(
      await one(jean.client, [
        'EmailSubmission/queryChanges',
        { accountId: his, sinceQueryState: '0' },
        'qc',
      ]),
    ).toMatchObject({ removed: [], added: [] });
    // Yet he got the one sent at once.
    const inbox = await one(jean.client, ['Email/query', { accountId: his }, 'q']);
    expect(inbox.ids).toHaveLength(1);
  });

  it('reports a held submission released by the server as updated, final', async () => {
    t = await startServerWithUsers(
      PASSWORD,
      [
        ['Sylvie', 'Dupont'],
        ['Jean', 'Martin'],
      ],
      { backend },
    );
    const { client, accountId, drafts } = await signedIn('sdupont');
    const made = await jmap(client, [
      [
        'Email/set',
        {
          accountId,
          create: {
            e: {
              mailboxIds: { [drafts]: true },
              from: [{ email: 'sylvie.dupont@ac-test.fr' }],
              to: [{ email: 'jean.martin@ac-test.fr' }],
              subject: 'Plus tard',
              textBody: [{ partId: 't', type: 'text/plain' }],
              bodyValues: { t: { value: 'Tout à l’heure.\n' } },
            },
          },
        },
        'e',
      ],
      [
        'EmailSubmission/set',
        {
          accountId,
          create: {
            s: {
              identityId: accountId,
              emailId: '#e',
              envelope: {
                mailFrom: { email: 'sylvie.dupont@ac-test.fr', parameters: { HOLDFOR: '1' } },
                rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
              },
            },
          },
        },
        's',
      ],
    ]);
    const set = made[1]?.[1] as Record<string, unknown>;
    const id = (set.created as Record<string, { id: string }>).s?.id as string;
    const held = set.newState as string;
    await expect
      .poll(
        async () =>
          (
            (await one(client, ['EmailSubmission/get', { accountId, ids: [id] }, 'g'])).list as {
              undoStatus: string;
            }[]
          )[0]?.undoStatus,
        { timeout: 8_000, interval: 250 },
      )
      .toBe('final');
    const changes = await one(client, ['EmailSubmission/changes', { accountId, sinceState: held }, 'c']);
    expect(changes).toMatchObject({ created: [], updated: [id], hasMoreChanges: false });
    expect(Number(changes.newState)).toBeGreaterThan(Number(held));
    expect(
      await one(client, [
        'EmailSubmission/queryChanges',
        { accountId, filter: { undoStatus: 'final' }, sinceQueryState: held },
        'qc',
      ]),
    ).toMatchObject({ removed: [id], added: [{ id, index: 0 }] });
  });
});
