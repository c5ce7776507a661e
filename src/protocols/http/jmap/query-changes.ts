/**
 * What every /query and /queryChanges shares (RFC 8620 §5.5–5.6): a result read at one state, the
 * /queryChanges arguments, the account's change log since a query state, and the answer built from
 * it.
 *
 * Implementation notes
 * - A query state is the account state (its modseq), like every other state: no query result is
 *   stored. /queryChanges compares through the change log instead: an object destroyed since the old
 *   state is `removed`; one created since and in the current results is `added` at its current
 *   index. When the filter or the sort reads a mutable property (mailbox membership, keywords, a
 *   mailbox's name), an object updated since may have left, joined or moved: it is `removed` and, if
 *   still in the results, `added` again at its index — what RFC 8620 §5.6 asks for mutable
 *   properties. Ids in `removed` that the client's list never had are harmless to it.
 * - A result and its state must match exactly: a message delivered between reading the state and
 *   reading the result would otherwise be reported `added` later to a client that already has it.
 *   `atOneState` reads the state before and after the result and tries again when they differ (the
 *   modseq moves in the same transaction as any change, the search index's included).
 * - The change log is never pruned today; a state newer than the account, or not a state of ours,
 *   cannot be compared (cannotCalculateChanges), nor can a log slice larger than MAX_TRACKED_CHANGES
 *   objects (the client queries again from scratch, which is cheaper then).
 * - maxChanges bounds `removed` + `added` (tooManyChanges, RFC 8620 §5.6); without one the server's
 *   own bound MAX_QUERY_CHANGES applies.
 */
import {
  type ChangeKind,
  type ChangeSummary,
  summarizeAccountChangesSince,
} from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { accountState, knownArguments, requireAccount } from './method-arguments.js';
import { methodError } from './request.js';

/** Most `removed` + `added` entries of one answer when the client sets no maxChanges. */
export const MAX_QUERY_CHANGES = 5000;
/** Most changed objects read from the log for one answer. */
export const MAX_TRACKED_CHANGES = 50_000;
/** Tries to read a result at one state before giving up (a busy account changes under the read). */
const STATE_READ_ATTEMPTS = 3;

/**
 * Runs `read` until the account state is the same before and after it.
 * @returns the state and the result, or `consistent: false` with the last ones when every attempt
 *   saw the account change.
 */
export async function atOneState<T>(
  call: MethodContext,
  read: (state: string) => Promise<T>,
): Promise<{ state: string; result: T; consistent: boolean }> {
  let state = await accountState(call);
  for (let attempt = 1; ; attempt++) {
    const result = await read(state);
    const after = await accountState(call);
    if (after === state) return { state, result, consistent: true };
    if (attempt === STATE_READ_ATTEMPTS) return { state, result, consistent: false };
    state = after;
  }
}

export interface QueryChangesArguments {
  /** The modseq of sinceQueryState. */
  since: number;
  maxChanges: number;
  upToId: string | null;
  calculateTotal: boolean;
}

function cannotCalculate(description: string): MethodFailure {
  return new MethodFailure(methodError('cannotCalculateChanges', description));
}

/**
 * The arguments of a /queryChanges but filter and sort (the type's own), checked.
 * @param extra the type's further arguments (Email's collapseThreads).
 */
export function queryChangesArguments(
  call: MethodContext,
  args: Record<string, unknown>,
  extra: readonly string[] = [],
): QueryChangesArguments {
  requireAccount(call, args);
  knownArguments(args, [
    'accountId',
    'filter',
    'sort',
    'sinceQueryState',
    'maxChanges',
    'upToId',
    'calculateTotal',
    ...extra,
  ]);
  if (typeof args.sinceQueryState !== 'string') throw invalidArguments('sinceQueryState must be a string');
  // Any other string is a state we never gave: not comparable, but not a malformed call either.
  if (!/^(0|[1-9][0-9]{0,15})$/.test(args.sinceQueryState)) {
    throw cannotCalculate('sinceQueryState is not a query state of this server');
  }
  const maxChanges = args.maxChanges ?? null;
  if (
    maxChanges !== null &&
    (typeof maxChanges !== 'number' || !Number.isSafeInteger(maxChanges) || maxChanges <= 0)
  ) {
    throw invalidArguments('maxChanges must be a positive integer');
  }
  const upToId = args.upToId ?? null;
  if (upToId !== null && typeof upToId !== 'string') throw invalidArguments('upToId must be an id');
  if (args.calculateTotal !== undefined && typeof args.calculateTotal !== 'boolean') {
    throw invalidArguments('calculateTotal must be a boolean');
  }
  return {
    since: Number(args.sinceQueryState),
    maxChanges: maxChanges === null ? MAX_QUERY_CHANGES : Math.min(maxChanges as number, MAX_QUERY_CHANGES),
    upToId,
    calculateTotal: args.calculateTotal === true,
  };
}

/** The objects of `kind` changed between `since` and `state`, each once. */
export async function changedSince(
  call: MethodContext,
  kind: ChangeKind,
  since: number,
  state: string,
): Promise<Map<string, ChangeSummary>> {
  if (since > Number(state)) throw cannotCalculate('sinceQueryState is newer than the account');
  const changed = await summarizeAccountChangesSince(
    call.ctx.db,
    call.account.id,
    kind,
    since,
    MAX_TRACKED_CHANGES + 1,
  );
  if (changed.size > MAX_TRACKED_CHANGES) {
    throw cannotCalculate('too much changed since sinceQueryState: query again');
  }
  return changed;
}

/** The ids whose place in the results may differ from the old state's: their current index is needed. */
export function candidatesOf(changed: ReadonlyMap<string, ChangeSummary>, mutable: boolean): string[] {
  return [...changed]
    .filter(([, what]) => what === 'created' || (mutable && what === 'updated'))
    .map(([id]) => id);
}

export interface QueryChangesInput {
  args: QueryChangesArguments;
  state: string;
  changed: ReadonlyMap<string, ChangeSummary>;
  /** Whether the filter or the sort reads a property that changes (see the notes above). */
  mutable: boolean;
  /** Current indexes of the candidates that are in the results, and of upToId when it is. */
  positions: ReadonlyMap<string, number>;
  total: number;
}

/** The /queryChanges response (RFC 8620 §5.6). @throws tooManyChanges */
export function queryChangesResponse(call: MethodContext, input: QueryChangesInput): Record<string, unknown> {
  const { args, changed, mutable, positions } = input;
  const removed = [...changed]
    .filter(([, what]) => what === 'destroyed' || (mutable && what === 'updated'))
    .map(([id]) => id);
  // With an immutable filter and sort the client's list up to upToId needs nothing after it.
  const upTo = !mutable && args.upToId !== null ? positions.get(args.upToId) : undefined;
  const added = candidatesOf(changed, mutable)
    .flatMap((id) => {
      const index = positions.get(id);
      return index === undefined || (upTo !== undefined && index > upTo) ? [] : [{ id, index }];
    })
    .sort((a, b) => a.index - b.index);
  if (removed.length + added.length > args.maxChanges) {
    throw new MethodFailure(
      methodError('tooManyChanges', `more than ${args.maxChanges} changes: query again`),
    );
  }
  return {
    accountId: call.account.id,
    oldQueryState: String(args.since),
    newQueryState: input.state,
    ...(args.calculateTotal ? { total: input.total } : {}),
    removed,
    added,
  };
}

/** When no consistent read was possible: the client should query again. */
export function changingTooFast(): MethodFailure {
  return cannotCalculate('the account kept changing during the comparison: query again');
}
