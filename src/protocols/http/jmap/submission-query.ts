/**
 * EmailSubmission/changes, /query and /queryChanges (RFC 8621 §7.2–7.4, RFC 8620 §5.2, §5.5–5.6).
 *
 * Implementation notes
 * - An account has few submissions (one per message sent from the webmail): every call reads the
 *   account's rows and filters, sorts and compares here. Every read names the account, so another
 *   user's submissions are never seen, whatever id or filter is given.
 * - States are the account modseq, as for every type. Each submission row keeps the modseq of its
 *   creation and of its last change (migration 0011; creation, cancel, release and refusal take
 *   one): /changes reports a row changed after sinceState as `created` when it was created after it
 *   too, else `updated`. Submissions are never destroyed.
 * - /changes with maxChanges: rows are taken in the order of the modseq that makes them news (the
 *   creation for a created one, else the last change) and cut there; the intermediate newState is
 *   that modseq, so nothing at or before it is left untold.
 * - Filter (§7.3): identityIds, emailIds, threadIds, undoStatus, before, after (on sendAt), and the
 *   operators AND, OR, NOT. Sort: emailId, threadId, sentAt (the RFC's name; sendAt is accepted
 *   too), ascending unless told; ties by creation then id, so the order is total. No sort: by
 *   creation.
 * - Only undoStatus changes after creation (pending → final or canceled): a filter reading it makes
 *   the query mutable for /queryChanges (query-changes.ts); every sort property is immutable.
 */
import type { ChangeSummary, EmailSubmission } from '../../../store/sql/index.js';
import { findEmailSubmissions } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { knownArguments, nonNegativeInteger, requireAccount } from './method-arguments.js';
import { atOneState, changingTooFast, queryChangesArguments, queryChangesResponse } from './query-changes.js';
import { queryWindow, WINDOW_ARGUMENTS } from './query-window.js';
import { methodError } from './request.js';

/** Most changes of one EmailSubmission/changes answer. */
export const MAX_SUBMISSION_CHANGES = 5000;
/** Most ids of one EmailSubmission/query answer without a limit. */
const MAX_QUERY_LIMIT = 1000;

type Predicate = (row: EmailSubmission) => boolean;
type Comparator = (a: EmailSubmission, b: EmailSubmission) => number;

const STATE = /^(0|[1-9][0-9]{0,15})$/;
const UNDO_STATUSES: readonly string[] = ['pending', 'final', 'canceled'];

function cannotCalculate(description: string): MethodFailure {
  return new MethodFailure(methodError('cannotCalculateChanges', description));
}

/** The submissions changed after `since`, each with what became of it and the modseq it counts at. */
function changedRows(
  rows: readonly EmailSubmission[],
  since: number,
): { id: string; what: 'created' | 'updated'; at: number }[] {
  return rows
    .filter((row) => Number(row.modseq) > since)
    .map((row) => {
      const created = Number(row.created_modseq) > since;
      return {
        id: row.id,
        what: created ? ('created' as const) : ('updated' as const),
        at: created ? Number(row.created_modseq) : Number(row.modseq),
      };
    })
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function emailSubmissionChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'sinceState', 'maxChanges']);
  if (typeof args.sinceState !== 'string') throw invalidArguments('sinceState must be a string');
  const asked = nonNegativeInteger(args.maxChanges, 'maxChanges', 0);
  if (args.maxChanges !== undefined && args.maxChanges !== null && asked === 0) {
    throw invalidArguments('maxChanges must be a positive integer');
  }
  const maxChanges = asked === 0 ? MAX_SUBMISSION_CHANGES : Math.min(asked, MAX_SUBMISSION_CHANGES);
  if (!STATE.test(args.sinceState)) throw cannotCalculate('sinceState is not a state of this server');
  const since = Number(args.sinceState);
  const { state, result: rows } = await atOneState(call, () =>
    findEmailSubmissions(call.ctx.db, call.account.id, null),
  );
  if (since > Number(state)) throw cannotCalculate('sinceState is newer than the account');
  const changed = changedRows(rows, since);
  const complete = changed.length <= maxChanges;
  const told = complete ? changed : changed.slice(0, maxChanges);
  if (!complete) {
    // The last told modseq must be whole: an id changed at it and not told would be lost.
    const last = (told[told.length - 1] as (typeof told)[number]).at;
    if ((changed[maxChanges] as (typeof changed)[number]).at === last) {
      while (told.length > 0 && (told[told.length - 1] as (typeof told)[number]).at === last) told.pop();
      if (told.length === 0) throw cannotCalculate('one change touches more than maxChanges submissions');
    }
  }
  const ids = (what: 'created' | 'updated') => told.filter((c) => c.what === what).map((c) => c.id);
  return {
    accountId: call.account.id,
    oldState: args.sinceState,
    newState: complete ? state : String((told[told.length - 1] as (typeof told)[number]).at),
    hasMoreChanges: !complete,
    created: ids('created'),
    updated: ids('updated'),
    destroyed: [],
  };
}

function idList(value: unknown, name: string): ReadonlySet<string> {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) {
    throw invalidArguments(`${name} must be a list of ids`);
  }
  return new Set(value as string[]);
}

function utcDateArgument(value: unknown, name: string): number {
  const ms =
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)
      ? Date.parse(value)
      : Number.NaN;
  if (Number.isNaN(ms)) throw invalidArguments(`${name} must be a UTCDate`);
  return ms;
}

interface ParsedFilter {
  test: Predicate;
  /** Whether it reads undoStatus, the one property that changes. */
  mutable: boolean;
}

const MAX_FILTER_DEPTH = 10;

function parseFilter(value: unknown, depth = 0): ParsedFilter {
  if (value === undefined || value === null) return { test: () => true, mutable: false };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArguments('filter must be a FilterOperator or a FilterCondition');
  }
  if (depth > MAX_FILTER_DEPTH) throw invalidArguments('filter nested too deep');
  const record = value as Record<string, unknown>;
  if ('operator' in record) {
    const { operator, conditions, ...rest } = record;
    if (Object.keys(rest).length > 0) throw invalidArguments('a FilterOperator has operator and conditions');
    if (!Array.isArray(conditions)) throw invalidArguments('conditions must be a list of filters');
    const parts = conditions.map((condition) => parseFilter(condition, depth + 1));
    const mutable = parts.some((part) => part.mutable);
    switch (operator) {
      case 'AND':
        return { test: (row) => parts.every((part) => part.test(row)), mutable };
      case 'OR':
        return { test: (row) => parts.some((part) => part.test(row)), mutable };
      case 'NOT':
        return { test: (row) => !parts.some((part) => part.test(row)), mutable };
      default:
        throw invalidArguments('operator must be AND, OR or NOT');
    }
  }
  const tests: Predicate[] = [];
  const unsupported: string[] = [];
  let mutable = false;
  for (const [key, wanted] of Object.entries(record)) {
    switch (key) {
      case 'identityIds': {
        const ids = idList(wanted, key);
        tests.push((row) => ids.has(row.identity_id));
        break;
      }
      case 'emailIds': {
        const ids = idList(wanted, key);
        tests.push((row) => ids.has(row.email_id));
        break;
      }
      case 'threadIds': {
        const ids = idList(wanted, key);
        tests.push((row) => ids.has(row.thread_id));
        break;
      }
      case 'undoStatus':
        if (typeof wanted !== 'string' || !UNDO_STATUSES.includes(wanted)) {
          throw invalidArguments('undoStatus must be pending, final or canceled');
        }
        tests.push((row) => row.undo_status === wanted);
        mutable = true;
        break;
      case 'before': {
        const before = utcDateArgument(wanted, key);
        tests.push((row) => Number(row.send_at) < before);
        break;
      }
      case 'after': {
        const after = utcDateArgument(wanted, key);
        tests.push((row) => Number(row.send_at) >= after);
        break;
      }
      default:
        unsupported.push(key);
    }
  }
  if (unsupported.length > 0) {
    throw new MethodFailure(
      methodError('unsupportedFilter', `unsupported filter: ${unsupported.join(', ')}`),
    );
  }
  return { test: (row) => tests.every((test) => test(row)), mutable };
}

const compareText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

function parseSort(value: unknown): Comparator {
  if (value !== undefined && value !== null && !Array.isArray(value)) {
    throw invalidArguments('sort must be an array of comparators');
  }
  const comparators = ((value ?? []) as unknown[]).map((entry): Comparator => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalidArguments('a comparator must be an object');
    }
    const { property, isAscending = true, collation, ...rest } = entry as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw invalidArguments(`unknown: ${Object.keys(rest).join(', ')}`);
    if (typeof isAscending !== 'boolean') throw invalidArguments('isAscending must be a boolean');
    if (collation !== undefined && collation !== null && typeof collation !== 'string') {
      throw invalidArguments('collation must be a string');
    }
    const sign = isAscending ? 1 : -1;
    switch (property) {
      case 'emailId':
        return (a, b) => sign * compareText(a.email_id, b.email_id);
      case 'threadId':
        return (a, b) => sign * compareText(a.thread_id, b.thread_id);
      case 'sentAt':
      case 'sendAt':
        return (a, b) => sign * (Number(a.send_at) - Number(b.send_at));
      default:
        throw new MethodFailure(
          methodError('unsupportedSort', 'submissions sort by emailId, threadId or sentAt'),
        );
    }
  });
  return (a, b) => {
    for (const compare of comparators) {
      const order = compare(a, b);
      if (order !== 0) return order;
    }
    return Number(a.created_modseq) - Number(b.created_modseq) || compareText(a.id, b.id);
  };
}

interface Selection {
  filter: ParsedFilter;
  compare: Comparator;
}

function selection(args: Record<string, unknown>): Selection {
  return { filter: parseFilter(args.filter), compare: parseSort(args.sort) };
}

function select(rows: readonly EmailSubmission[], selected: Selection): string[] {
  return rows
    .filter(selected.filter.test)
    .sort(selected.compare)
    .map((row) => row.id);
}

export async function emailSubmissionQuery(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'filter', 'sort', ...WINDOW_ARGUMENTS, 'calculateTotal']);
  const selected = selection(args);
  if (args.calculateTotal !== undefined && typeof args.calculateTotal !== 'boolean') {
    throw invalidArguments('calculateTotal must be a boolean');
  }
  const { state, result, consistent } = await atOneState(call, async () =>
    select(await findEmailSubmissions(call.ctx.db, call.account.id, null), selected),
  );
  return {
    accountId: call.account.id,
    queryState: state,
    canCalculateChanges: consistent,
    ...queryWindow(result, args, MAX_QUERY_LIMIT),
    ...(args.calculateTotal === true ? { total: result.length } : {}),
  };
}

export async function emailSubmissionQueryChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parsed = queryChangesArguments(call, args);
  const selected = selection(args);
  const { state, result, consistent } = await atOneState(call, async (state) => {
    if (parsed.since > Number(state)) throw cannotCalculate('sinceQueryState is newer than the account');
    const rows = await findEmailSubmissions(call.ctx.db, call.account.id, null);
    const changed = new Map<string, ChangeSummary>(
      changedRows(rows, parsed.since).map(({ id, what }) => [id, what]),
    );
    const ids = select(rows, selected);
    return { changed, positions: new Map(ids.map((id, index) => [id, index])), total: ids.length };
  });
  if (!consistent) throw changingTooFast();
  return queryChangesResponse(call, {
    args: parsed,
    state,
    mutable: selected.filter.mutable,
    ...result,
  });
}
