/**
 * Mailbox/query and Mailbox/queryChanges (RFC 8621 §2.3–2.4, RFC 8620 §5.5–5.6).
 *
 * Implementation notes
 * - An account has few mailboxes: every query reads them all and filters and sorts here.
 * - Filter: one FilterCondition — parentId, name (contains, case-insensitive), role, hasAnyRole,
 *   isSubscribed; operators are unsupportedFilter, as for Email/query. Sort: sortOrder and name
 *   (the two the RFC requires), ascending unless told; ties by name then id, so the order is total.
 *   Without a sort, mailboxes come by path, parents before children. sortAsTree and filterAsTree
 *   as in §2.3.
 * - Every property a mailbox query reads may change: /queryChanges reports each mailbox changed
 *   since the old state as removed and, if still in the results, added at its index
 *   (query-changes.ts). A rename or a move logs every descendant too, so trees stay exact; but under
 *   filterAsTree a parent's change can hide or show children that did not change themselves, so
 *   there any change reports every mailbox of the account.
 */
import type { Mailbox } from '../../../store/sql/index.js';
import { listMailboxes } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { knownArguments, requireAccount } from './method-arguments.js';
import {
  atOneState,
  changedSince,
  changingTooFast,
  queryChangesArguments,
  queryChangesResponse,
} from './query-changes.js';
import { queryWindow, WINDOW_ARGUMENTS } from './query-window.js';
import { methodError } from './request.js';

type Predicate = (box: Mailbox) => boolean;
type Comparator = (a: Mailbox, b: Mailbox) => number;

interface MailboxSelection {
  filter: Predicate;
  compare: Comparator | null;
  sortAsTree: boolean;
  filterAsTree: boolean;
}

const fold = (text: string) => text.normalize('NFC').toLowerCase();

function parseFilter(value: unknown): Predicate {
  if (value === undefined || value === null) return () => true;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArguments('filter must be a FilterCondition');
  }
  const tests: Predicate[] = [];
  const unsupported: string[] = [];
  for (const [key, wanted] of Object.entries(value as Record<string, unknown>)) {
    switch (key) {
      case 'parentId':
        if (wanted !== null && typeof wanted !== 'string')
          throw invalidArguments('parentId must be an id or null');
        tests.push((box) => box.parent_id === wanted);
        break;
      case 'name': {
        if (typeof wanted !== 'string') throw invalidArguments('name must be a string');
        const part = fold(wanted);
        tests.push((box) => fold(box.name).includes(part));
        break;
      }
      case 'role':
        if (wanted !== null && typeof wanted !== 'string')
          throw invalidArguments('role must be a string or null');
        tests.push((box) => box.role === wanted);
        break;
      case 'hasAnyRole':
        if (typeof wanted !== 'boolean') throw invalidArguments('hasAnyRole must be a boolean');
        tests.push((box) => (box.role !== null) === wanted);
        break;
      case 'isSubscribed':
        if (typeof wanted !== 'boolean') throw invalidArguments('isSubscribed must be a boolean');
        tests.push((box) => (box.subscribed === 1) === wanted);
        break;
      default:
        unsupported.push(key);
    }
  }
  if (unsupported.length > 0) {
    throw new MethodFailure(
      methodError('unsupportedFilter', `unsupported filter: ${unsupported.join(', ')}`),
    );
  }
  return (box) => tests.every((test) => test(box));
}

function parseSort(value: unknown): Comparator | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidArguments('sort must be an array of comparators');
  const comparators = value.map((entry): Comparator => {
    const comparator = entry as Record<string, unknown>;
    if (typeof entry !== 'object' || entry === null) throw invalidArguments('a comparator must be an object');
    const { property, isAscending = true, collation } = comparator;
    if (typeof isAscending !== 'boolean') throw invalidArguments('isAscending must be a boolean');
    if (collation !== undefined && collation !== 'i;unicode-casemap') {
      throw new MethodFailure(methodError('unsupportedSort', 'only the i;unicode-casemap collation'));
    }
    const sign = isAscending ? 1 : -1;
    if (property === 'sortOrder') return (a, b) => sign * (a.sort_order - b.sort_order);
    if (property === 'name') return (a, b) => sign * byName(a, b);
    throw new MethodFailure(methodError('unsupportedSort', 'mailboxes sort by sortOrder or name'));
  });
  return (a, b) => {
    for (const compare of comparators) {
      const order = compare(a, b);
      if (order !== 0) return order;
    }
    return 0;
  };
}

function byName(a: Mailbox, b: Mailbox): number {
  const x = fold(a.name);
  const y = fold(b.name);
  return x < y ? -1 : x > y ? 1 : 0;
}

function flag(args: Record<string, unknown>, name: string): boolean {
  const value = args[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidArguments(`${name} must be a boolean`);
  return value;
}

function selection(args: Record<string, unknown>): MailboxSelection {
  return {
    filter: parseFilter(args.filter),
    compare: parseSort(args.sort),
    sortAsTree: flag(args, 'sortAsTree'),
    filterAsTree: flag(args, 'filterAsTree'),
  };
}

/** The ids of the account's mailboxes meeting the selection, in its order. */
export function selectMailboxes(boxes: readonly Mailbox[], selected: MailboxSelection): string[] {
  const byId = new Map(boxes.map((box) => [box.id, box]));
  // Total order: the comparators, then name, then id; no comparator: by path (parents first).
  const total: Comparator = (a, b) =>
    selected.compare === null
      ? a.path < b.path
        ? -1
        : a.path > b.path
          ? 1
          : 0
      : selected.compare(a, b) || byName(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  let ordered: Mailbox[];
  if (selected.sortAsTree) {
    const children = new Map<string | null, Mailbox[]>();
    for (const box of boxes) {
      const parent = box.parent_id !== null && byId.has(box.parent_id) ? box.parent_id : null;
      children.set(parent, [...(children.get(parent) ?? []), box]);
    }
    ordered = [];
    const visit = (parent: string | null) => {
      for (const box of (children.get(parent) ?? []).sort(total)) {
        ordered.push(box);
        visit(box.id);
      }
    };
    visit(null);
  } else {
    ordered = [...boxes].sort(total);
  }
  const included = (box: Mailbox): boolean => {
    if (!selected.filter(box)) return false;
    if (!selected.filterAsTree || box.parent_id === null) return true;
    const parent = byId.get(box.parent_id);
    return parent === undefined || included(parent);
  };
  return ordered.filter(included).map((box) => box.id);
}

export async function mailboxQuery(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, [
    'accountId',
    'filter',
    'sort',
    ...WINDOW_ARGUMENTS,
    'calculateTotal',
    'sortAsTree',
    'filterAsTree',
  ]);
  const selected = selection(args);
  const { state, result, consistent } = await atOneState(call, async () =>
    selectMailboxes(await listMailboxes(call.ctx.db, call.account.id), selected),
  );
  return {
    accountId: call.account.id,
    queryState: state,
    canCalculateChanges: consistent,
    ...queryWindow(result, args),
    ...(args.calculateTotal === true ? { total: result.length } : {}),
  };
}

export async function mailboxQueryChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parsed = queryChangesArguments(call, args, ['sortAsTree', 'filterAsTree']);
  const selected = selection(args);
  const { state, result, consistent } = await atOneState(call, async (state) => {
    let changed = await changedSince(call, 'mailbox', parsed.since, state);
    const boxes = await listMailboxes(call.ctx.db, call.account.id);
    if (selected.filterAsTree && changed.size > 0) {
      changed = new Map([...boxes.map((box) => [box.id, 'updated'] as const), ...changed]);
    }
    const ids = selectMailboxes(boxes, selected);
    return { changed, positions: new Map(ids.map((id, index) => [id, index])), total: ids.length };
  });
  if (!consistent) throw changingTooFast();
  return queryChangesResponse(call, { args: parsed, state, mutable: true, ...result });
}
