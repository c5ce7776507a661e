/**
 * Email/query and Email/queryChanges (RFC 8621 §4.4–4.5, RFC 8620 §5.5–5.6).
 *
 * Implementation notes
 * - Filter: one FilterCondition — `inMailbox`, `inMailboxOtherThan`, dates, sizes, keywords,
 *   `hasAttachment`, and the text conditions through the full-text index (accent-insensitive words).
 *   Sort: `receivedAt` descending, the only sort offered so far (another is unsupportedSort); ties by
 *   id, so the order is total and an index names one place. `collapseThreads` keeps each
 *   conversation's newest message that meets the filter (the webmail's conversation view); such a
 *   query answers canCalculateChanges false, and its /queryChanges is cannotCalculateChanges (a
 *   thread's representative moves with every message of it).
 * - The query state is the account state, read at the same state as the result (query-changes.ts),
 *   so Email/queryChanges can compare from it through the change log: membership in a mailbox and
 *   keywords change, everything else a filter reads (dates, sizes, text, attachments) never does.
 * - Email/queryChanges takes the same filter and sort, checked by the same code, so a condition the
 *   query refuses is refused here too.
 */
import { isKeyword } from '../../../core/mail/index.js';
import {
  findPositionsNewestFirst,
  listMailboxes,
  listMessagesNewestFirst,
  type MessageFilter,
} from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { knownArguments, nonNegativeInteger, requireAccount } from './method-arguments.js';
import {
  atOneState,
  candidatesOf,
  changedSince,
  changingTooFast,
  queryChangesArguments,
  queryChangesResponse,
} from './query-changes.js';
import { methodError } from './request.js';

export const MAX_QUERY_LIMIT = 1000;
const DEFAULT_QUERY_LIMIT = 100;
/** Most full-text hits an Email/query filters and sorts. */
const MAX_TEXT_HITS = 10_000;

/** The FilterCondition keys served (RFC 8621 §4.4.1); cc goes with to (all recipients), as in IMAP. */
const TEXT_FILTERS = {
  text: 'text',
  from: 'from',
  to: 'to',
  cc: 'to',
  subject: 'subject',
  body: 'body',
} as const;

/** Conditions on what a message may change after delivery: its mailboxes and its keywords. */
const MUTABLE_CONDITIONS: ReadonlySet<string> = new Set([
  'inMailbox',
  'inMailboxOtherThan',
  'hasKeyword',
  'notKeyword',
]);

type TextSearch = Partial<Record<(typeof TEXT_FILTERS)[keyof typeof TEXT_FILTERS], string>>;

function parseFilter(condition: Record<string, unknown>): {
  messageFilter: MessageFilter;
  search: TextSearch;
} {
  const messageFilter: MessageFilter = {};
  const search: TextSearch = {};
  const unsupported: string[] = [];
  const string = (key: string, value: unknown) => {
    if (typeof value !== 'string') throw invalidArguments(`${key} must be a string`);
    return value;
  };
  const date = (key: string, value: unknown) => {
    const ms = Date.parse(string(key, value));
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value as string) || Number.isNaN(ms)) {
      throw invalidArguments(`${key} must be a UTCDate`);
    }
    return ms;
  };
  const keyword = (key: string, value: unknown) => {
    const text = string(key, value);
    if (!isKeyword(text)) throw invalidArguments(`${key} is not a keyword`);
    return text.toLowerCase();
  };
  for (const [key, value] of Object.entries(condition)) {
    if (key in TEXT_FILTERS) {
      const field = TEXT_FILTERS[key as keyof typeof TEXT_FILTERS];
      search[field] =
        search[field] === undefined ? string(key, value) : `${search[field]} ${string(key, value)}`;
      continue;
    }
    switch (key) {
      case 'inMailbox':
        messageFilter.mailboxId = string(key, value);
        break;
      case 'inMailboxOtherThan':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
          throw invalidArguments('inMailboxOtherThan must be an array of mailbox ids');
        }
        messageFilter.notOnlyInMailboxIds = value as string[];
        break;
      case 'before':
        messageFilter.before = date(key, value);
        break;
      case 'after':
        messageFilter.after = date(key, value);
        break;
      case 'minSize':
        messageFilter.minSize = nonNegativeInteger(value, key, 0);
        break;
      case 'maxSize':
        messageFilter.maxSize = nonNegativeInteger(value, key, 0);
        break;
      case 'hasKeyword':
        messageFilter.hasKeyword = keyword(key, value);
        break;
      case 'notKeyword':
        messageFilter.notKeyword = keyword(key, value);
        break;
      case 'hasAttachment':
        if (typeof value !== 'boolean') throw invalidArguments('hasAttachment must be a boolean');
        messageFilter.hasAttachment = value;
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
  return { messageFilter, search };
}

interface Selection {
  /** Whether the filter reads a property that changes (the sort never does). */
  mutable: boolean;
  /** The filter, but the text conditions, which `run` turns into `onlyIds`. */
  messageFilter: MessageFilter;
  search: TextSearch;
  /** One message per conversation (RFC 8621 §4.4.3). */
  collapseThreads: boolean;
}

/** The filter, sort and collapseThreads of an Email/query or /queryChanges, checked. */
async function selection(call: MethodContext, args: Record<string, unknown>): Promise<Selection> {
  const filter = args.filter ?? null;
  if (filter !== null && (typeof filter !== 'object' || Array.isArray(filter))) {
    throw invalidArguments('filter must be a FilterCondition');
  }
  const condition = (filter ?? {}) as Record<string, unknown>;
  const { messageFilter, search } = parseFilter(condition);
  const sort = args.sort ?? null;
  if (sort !== null) {
    const valid =
      Array.isArray(sort) &&
      sort.every(
        (s) =>
          typeof s === 'object' &&
          s !== null &&
          (s as Record<string, unknown>).property === 'receivedAt' &&
          (s as Record<string, unknown>).isAscending === false,
      );
    if (!valid)
      throw new MethodFailure(methodError('unsupportedSort', 'only receivedAt, descending, so far'));
  }
  if (args.collapseThreads !== undefined && args.collapseThreads !== null) {
    if (typeof args.collapseThreads !== 'boolean')
      throw invalidArguments('collapseThreads must be a boolean');
  }
  const boxes = new Set((await listMailboxes(call.ctx.db, call.account.id)).map((box) => box.id));
  // Another account's mailbox id is unknown here, as is a mailbox that does not exist.
  for (const id of [messageFilter.mailboxId ?? [], messageFilter.notOnlyInMailboxIds ?? []].flat()) {
    if (!boxes.has(id)) throw invalidArguments(`${id} names no mailbox of this account`);
  }
  return {
    mutable: Object.keys(condition).some((key) => MUTABLE_CONDITIONS.has(key)),
    messageFilter,
    search,
    collapseThreads: args.collapseThreads === true,
  };
}

/** The whole filter, the text conditions run through the index (inside the caller's state read). */
async function resolvedFilter(
  call: MethodContext,
  { messageFilter, search }: Selection,
): Promise<MessageFilter> {
  if (Object.keys(search).length === 0) return messageFilter;
  const onlyIds = await call.ctx.search.search({
    accountId: call.account.id,
    ...search,
    limit: MAX_TEXT_HITS,
  });
  return { ...messageFilter, onlyIds };
}

export async function emailQuery(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, [
    'accountId',
    'filter',
    'sort',
    'position',
    'limit',
    'calculateTotal',
    'collapseThreads',
  ]);
  const selected = await selection(call, args);
  const position = nonNegativeInteger(args.position, 'position', 0);
  const limit = Math.min(nonNegativeInteger(args.limit, 'limit', DEFAULT_QUERY_LIMIT), MAX_QUERY_LIMIT);
  const { state, result, consistent } = await atOneState(call, async () =>
    listMessagesNewestFirst(call.ctx.db, call.account.id, {
      ...(await resolvedFilter(call, selected)),
      collapseThreads: selected.collapseThreads,
      offset: position,
      limit,
    }),
  );
  return {
    accountId: call.account.id,
    queryState: state,
    // A result read while the account kept changing matches no state: not a base for queryChanges.
    canCalculateChanges: consistent && !selected.collapseThreads,
    position,
    ids: result.messages.map((m) => m.id),
    ...(args.calculateTotal === true ? { total: result.total } : {}),
    // The limit the server applied, when the client gave none or a larger one (RFC 8620 §5.5).
    ...(limit !== args.limit ? { limit } : {}),
  };
}

export async function emailQueryChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parsed = queryChangesArguments(call, args, ['collapseThreads']);
  const selected = await selection(call, args);
  if (selected.collapseThreads) {
    throw new MethodFailure(methodError('cannotCalculateChanges', 'query conversations again'));
  }
  const { state, result, consistent } = await atOneState(call, async (state) => {
    const changed = await changedSince(call, 'email', parsed.since, state);
    const wanted = candidatesOf(changed, selected.mutable);
    if (parsed.upToId !== null) wanted.push(parsed.upToId);
    const { positions, total } = await findPositionsNewestFirst(
      call.ctx.db,
      call.account.id,
      await resolvedFilter(call, selected),
      wanted,
    );
    return { changed, positions, total };
  });
  if (!consistent) throw changingTooFast();
  return queryChangesResponse(call, { args: parsed, state, mutable: selected.mutable, ...result });
}
