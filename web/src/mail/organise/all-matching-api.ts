/**
 * Actions on every message a query matches (the list's "select all N"), however many: the ids are
 * read by Email/query pages, then changed by Email/set batches, each within the server's limits.
 *
 * Implementation notes
 * - Ids first, changes after: a move or a deletion empties the folder as it goes, so paging a query
 *   while changing its results would skip half of them. An id read twice (new mail between pages)
 *   counts once; mail arriving after the ids are read is not acted on.
 * - Query pages ask QUERY_PAGE ids (the server's Email/query maximum; it may answer fewer, and the
 *   next page starts after what came). Email/get, Thread/get and Email/set calls take at most the
 *   session's maxObjectsInGet / maxObjectsInSet objects.
 * - Conversation view: a row acts on its conversation's messages in the folder shown (or all of it
 *   in search results), as `withConversations` in jmap/mail-api.ts and messages-of.ts decide. In a
 *   folder that is every message of the folder (each belongs to a conversation shown), so the plain
 *   query is enough; for a search, the conversations found (collapseThreads) are expanded by
 *   Thread/get, and kept to the searched folder by their mailboxIds when the search names one.
 * - A message gone meanwhile (notFound) is not a failure: there is nothing left to change. Any other
 *   refusal stops the action; what was done stays done (BatchFailure says how much).
 */
import type { JmapClient, MethodArgs } from '../jmap/jmap-client';
import type { EmailFilter } from '../jmap/mail-api';
import { chunk, collectIds, PartialBatchError, runBatches } from './batches';

/** Ids asked per Email/query page: the server's maximum (MAX_QUERY_LIMIT). */
export const QUERY_PAGE = 1000;

export type BulkChange =
  | { kind: 'keyword'; keyword: string; on: boolean }
  | { kind: 'move'; to: string }
  | { kind: 'destroy' };

export interface BulkProgress {
  /** Reading the ids (counted in rows of the query), then changing the messages. */
  phase: 'finding' | 'applying';
  done: number;
  total: number | null;
}

type SetErrors = Record<string, { type: string; description?: string }> | null | undefined;

function response(results: Map<string, MethodArgs>, callId: string): MethodArgs {
  const args = results.get(callId);
  if (!args) throw new Error(`no response for ${callId}`);
  return args;
}

/** Whether the filter is a folder and nothing else (its conversations' messages are the folder's). */
export function isWholeFolder(filter: EmailFilter): boolean {
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === 'inMailbox' && typeof filter.inMailbox === 'string';
}

/** The Email/set arguments of one batch. */
export function setArguments(ids: readonly string[], change: BulkChange): MethodArgs {
  if (change.kind === 'destroy') return { destroy: ids };
  const patch =
    change.kind === 'keyword'
      ? { [`keywords/${change.keyword}`]: change.on || null }
      : { mailboxIds: { [change.to]: true } };
  return { update: Object.fromEntries(ids.map((id) => [id, patch])) };
}

export function createAllMatchingApi(jmap: JmapClient) {
  /** Every id the query matches, in its order (collapsed to one per conversation if asked). */
  const queryIds = async (
    accountId: string,
    filter: EmailFilter,
    collapseThreads: boolean,
    onProgress?: (progress: BulkProgress) => void,
  ) =>
    collectIds(
      async (position, limit) => {
        const results = await jmap.request([
          [
            'Email/query',
            {
              accountId,
              filter,
              sort: [{ property: 'receivedAt', isAscending: false }],
              position,
              limit,
              calculateTotal: true,
              ...(collapseThreads ? { collapseThreads: true } : {}),
            },
            'q',
          ],
        ]);
        const query = response(results, 'q');
        return { ids: query.ids as string[], total: typeof query.total === 'number' ? query.total : null };
      },
      QUERY_PAGE,
      (done, total) => onProgress?.({ phase: 'finding', done, total }),
    );

  return {
    /** The ids of the messages the rows of this query stand for. */
    async matchingIds(
      filter: EmailFilter,
      conversations: boolean,
      onProgress?: (progress: BulkProgress) => void,
    ): Promise<string[]> {
      const session = await jmap.session();
      const accountId = session.accountId;
      if (!conversations || isWholeFolder(filter)) return queryIds(accountId, filter, false, onProgress);
      const rows = await queryIds(accountId, filter, true, onProgress);
      const threads: string[][] = [];
      for (const batch of chunk(rows, session.maxObjectsInGet)) {
        const results = await jmap.request([
          ['Email/get', { accountId, ids: batch, properties: ['threadId'] }, 'e'],
          [
            'Thread/get',
            { accountId, '#ids': { resultOf: 'e', name: 'Email/get', path: '/list/*/threadId' } },
            't',
          ],
        ]);
        for (const thread of response(results, 't').list as { emailIds: string[] }[])
          threads.push(thread.emailIds);
      }
      const all = [...new Set([...rows, ...threads.flat()])];
      const mailboxId = typeof filter.inMailbox === 'string' ? filter.inMailbox : null;
      if (mailboxId === null) return all;
      // The searched folder: the conversations' other messages count only if they are in it (the
      // rows themselves matched the filter, so they are).
      const matched = new Set(rows);
      const others = all.filter((id) => !matched.has(id));
      const inFolder = new Set<string>();
      for (const batch of chunk(others, session.maxObjectsInGet)) {
        const results = await jmap.request([
          ['Email/get', { accountId, ids: batch, properties: ['mailboxIds'] }, 'm'],
        ]);
        for (const email of response(results, 'm').list as {
          id: string;
          mailboxIds: Record<string, boolean>;
        }[])
          if (email.mailboxIds[mailboxId]) inFolder.add(email.id);
      }
      return all.filter((id) => matched.has(id) || inFolder.has(id));
    },

    /**
     * Applies one change to messages by Email/set batches of the session's maxObjectsInSet. Throws a
     * BatchFailure saying how many were changed when a batch fails.
     */
    async apply(
      ids: readonly string[],
      change: BulkChange,
      onProgress?: (progress: BulkProgress) => void,
    ): Promise<void> {
      const session = await jmap.session();
      await runBatches(
        ids,
        session.maxObjectsInSet,
        async (batch) => {
          const results = await jmap.request([
            ['Email/set', { accountId: session.accountId, ...setArguments(batch, change) }, 's'],
          ]);
          const set = response(results, 's');
          const failed = Object.values({
            ...((set.notUpdated as SetErrors) ?? {}),
            ...((set.notDestroyed as SetErrors) ?? {}),
          }).filter((error) => error.type !== 'notFound');
          const first = failed[0];
          if (first) {
            throw new PartialBatchError(
              batch.length - failed.length,
              `${first.type}${first.description ? `: ${first.description}` : ''}`,
            );
          }
        },
        (done, total) => onProgress?.({ phase: 'applying', done, total }),
      );
    },
  };
}

export type AllMatchingApi = ReturnType<typeof createAllMatchingApi>;
