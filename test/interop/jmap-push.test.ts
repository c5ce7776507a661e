/**
 * JMAP push (RFC 8620 §7.3, EventSource) of the types beyond mail: a change made through
 * VacationResponse/set, Identity/set or EmailSubmission/set (create, cancel) reaches an open event
 * stream with the new state, equal to what the type's /get then answers; only the asked types are
 * sent, and another user's stream hears nothing of it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpClient, signInJmap, startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const USING = [
  'urn:ietf:params:jmap:core',
  'urn:ietf:params:jmap:mail',
  'urn:ietf:params:jmap:submission',
  'urn:ietf:params:jmap:vacationresponse',
];
let t: TestServer;
const streams: { close(): void }[] = [];

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
  ]);
});

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await t.close();
});

type Call = [string, Record<string, unknown>, string];
type Changed = Record<string, Record<string, string>>;

async function one(client: HttpClient, call: Call): Promise<Record<string, unknown>> {
  const response = await client.request('POST', '/jmap/api', { using: USING, methodCalls: [call] });
  expect(response.status, response.text).toBe(200);
  const [answer] = response.json.methodResponses as Call[];
  expect(answer?.[0], JSON.stringify(answer)).toBe(call[0]);
  return answer?.[1] as Record<string, unknown>;
}

async function stateOf(client: HttpClient, accountId: string, type: string): Promise<string> {
  return (await one(client, [`${type}/get`, { accountId, ids: [] }, 'g'])).state as string;
}

/** An open event stream of the signed-in `client`; `next` gives the next StateChange, or null at its end or after `ms`. */
async function openStream(client: HttpClient, query: string) {
  const controller = new AbortController();
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${t.baseUrl}/jmap/eventsource?${query}`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let reading: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  const next = async (ms = 2000): Promise<Changed | null> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!/^event: state$/m.test(block)) continue;
        return JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null').changed as Changed;
      }
      reading ??= reader.read();
      const left = deadline - Date.now();
      if (left <= 0) return null;
      const result = await Promise.race([
        reading,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left)),
      ]);
      if (result === 'timeout') return null;
      reading = null;
      if (result.done) return null;
      buffered += decoder.decode(result.value, { stream: true });
    }
  };
  const stream = { next, close: () => controller.abort() };
  streams.push(stream);
  return stream;
}

/** Reads events until `type` has `state` (other changes, such as a draft's, may come first). */
async function until(
  stream: { next(ms?: number): Promise<Changed | null> },
  accountId: string,
  type: string,
  state: string,
) {
  const seen: unknown[] = [];
  for (let i = 0; i < 10; i++) {
    const changed = await stream.next();
    seen.push(changed);
    if (changed === null) break;
    if (changed[accountId]?.[type] === state) return changed;
  }
  throw new Error(`no ${type} state ${state}: ${JSON.stringify(seen)}`);
}

describe('JMAP push of VacationResponse, Identity and EmailSubmission', () => {
  it('pushes each change with the state its /get then answers, to the asked types only', async () => {
    const { client, accountId } = await signInJmap(t, 'sdupont', PASSWORD);
    const jean = await signInJmap(t, 'jmartin', PASSWORD);
    const live = await openStream(
      client,
      'types=VacationResponse,Identity,EmailSubmission&closeafter=no&ping=0',
    );
    const vacationOnly = await openStream(client, 'types=VacationResponse&closeafter=state&ping=0');
    const other = await openStream(jean.client, 'types=*&closeafter=no&ping=0');

    // At once: the current states, which are those of the /get methods.
    const initial = await live.next();
    expect(initial).toEqual({
      [accountId]: {
        Identity: await stateOf(client, accountId, 'Identity'),
        EmailSubmission: await stateOf(client, accountId, 'EmailSubmission'),
        VacationResponse: await stateOf(client, accountId, 'VacationResponse'),
      },
    });
    expect(Object.keys((await other.next())?.[jean.accountId] ?? {})).toContain('VacationResponse');

    // VacationResponse/set.
    const vacation = await one(client, [
      'VacationResponse/set',
      {
        accountId,
        update: { singleton: { isEnabled: true, subject: 'Absente', textBody: 'De retour lundi.' } },
      },
      'v',
    ]);
    const vacationState = vacation.newState as string;
    expect(vacationState).not.toBe(vacation.oldState);
    expect(await stateOf(client, accountId, 'VacationResponse')).toBe(vacationState);
    expect((await live.next())?.[accountId]).toEqual({
      Identity: vacationState,
      EmailSubmission: vacationState,
      VacationResponse: vacationState,
    });
    // closeafter=state: that change, only the asked type, then the end.
    expect(await vacationOnly.next()).toEqual({ [accountId]: { VacationResponse: vacationState } });
    expect(await vacationOnly.next()).toBeNull();

    // Identity/set.
    const identity = await one(client, [
      'Identity/set',
      { accountId, update: { [accountId]: { name: 'Sylvie Dupont (CPE)' } } },
      'i',
    ]);
    expect(identity.updated).toEqual({ [accountId]: null });
    const identityState = await stateOf(client, accountId, 'Identity');
    expect(identityState).toBe(identity.newState);
    expect(Number(identityState)).toBeGreaterThan(Number(vacationState));
    await until(live, accountId, 'Identity', identityState);

    // EmailSubmission/set: a held send, then its cancellation.
    const boxes = await one(client, ['Mailbox/get', { accountId }, 'm']);
    const drafts = (boxes.list as { id: string; role: string }[]).find((b) => b.role === 'drafts')
      ?.id as string;
    const draft = await one(client, [
      'Email/set',
      {
        accountId,
        create: {
          d: {
            mailboxIds: { [drafts]: true },
            from: [{ email: 'sylvie.dupont@ac-test.fr' }],
            to: [{ email: 'jean.martin@ac-test.fr' }],
            subject: 'Demain',
            textBody: [{ partId: 't', type: 'text/plain' }],
            bodyValues: { t: { value: 'À demain.\n' } },
          },
        },
      },
      'e',
    ]);
    const emailId = (draft.created as Record<string, { id: string }>).d?.id as string;
    const submitted = await one(client, [
      'EmailSubmission/set',
      {
        accountId,
        create: {
          s: {
            identityId: accountId,
            emailId,
            envelope: {
              mailFrom: { email: 'sylvie.dupont@ac-test.fr', parameters: { HOLDFOR: '3600' } },
              rcptTo: [{ email: 'jean.martin@ac-test.fr' }],
            },
          },
        },
      },
      's',
    ]);
    const submissionId = (submitted.created as Record<string, { id: string }>).s?.id as string;
    const submittedState = await stateOf(client, accountId, 'EmailSubmission');
    expect(submittedState).toBe(submitted.newState);
    await until(live, accountId, 'EmailSubmission', submittedState);
    const canceled = await one(client, [
      'EmailSubmission/set',
      { accountId, update: { [submissionId]: { undoStatus: 'canceled' } } },
      'c',
    ]);
    expect(canceled.updated).toEqual({ [submissionId]: null });
    const canceledState = await stateOf(client, accountId, 'EmailSubmission');
    expect(Number(canceledState)).toBeGreaterThan(Number(submittedState));
    expect((await live.next())?.[accountId]?.EmailSubmission).toBe(canceledState);
    // The change is in EmailSubmission/changes from the pushed state before it.
    expect(
      await one(client, ['EmailSubmission/changes', { accountId, sinceState: submittedState }, 'ch']),
    ).toMatchObject({ newState: canceledState, updated: [submissionId], created: [] });

    // Jean's stream heard nothing of all that.
    expect(await other.next(500)).toBeNull();
  });
});
