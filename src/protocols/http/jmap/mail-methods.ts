/**
 * The JMAP method registry, and the read side of JMAP Mail (RFC 8621): Core/echo, Mailbox/get,
 * Mailbox/changes, Email/get, Email/changes, Thread/get. Apart: the queries and their
 * /queryChanges (email-query.ts, mailbox-query.ts), the writes Email/set (email-set.ts) and
 * Mailbox/set (mailbox-set.ts), VacationResponse (vacation-response.ts), Identity and
 * EmailSubmission (submission-methods.ts, submission-query.ts).
 *
 * Implementation notes
 * - State strings are the account's modseq (the IMAP HIGHESTMODSEQ): one counter moves with every
 *   change of any type, so a state names a point of the account's change log, and /changes reads
 *   that log (`change_log`) from there.
 * - /changes returns whole modseqs: a modseq's changes are never split between two answers, so the
 *   intermediate `newState` of `hasMoreChanges` is always a consistent point. An object created and
 *   destroyed since `sinceState` is reported destroyed only.
 * - Bounds: ids per /get (MAX_OBJECTS_IN_GET) and changes per /changes (MAX_CHANGES) are limits of
 *   the session resource; over them a call is refused (requestTooLarge), not truncated.
 */

import { keywordsOf, readMessageBytes } from '../../../core/mail/index.js';
import type { MimePart } from '../../../lib/mime/index.js';
import type { ChangeKind } from '../../../store/sql/index.js';
import {
  countMailboxesOfAccount,
  findMessageBodies,
  findMessagesOfAccount,
  listAccountChangesSince,
  listMailboxes,
  listMailboxIdsOfMessages,
  listThreadMembers,
} from '../../../store/sql/index.js';
import {
  CORE_CAPABILITY,
  invalidArguments,
  MAIL_CAPABILITY,
  type MethodContext,
  type MethodDefinition,
  MethodFailure,
} from './dispatch.js';
import { type HeaderRequest, isHeaderProperty, parseHeaderProperty } from './email-headers.js';
import { emailQuery, emailQueryChanges } from './email-query.js';
import { emailSet } from './email-set.js';
import {
  BODY_PART_PROPERTIES,
  BODY_PROPERTIES,
  bodyProperties,
  EMAIL_PROPERTIES,
  emailObject,
  HEADER_PROPERTIES,
  headerProperties,
  MAILBOX_PROPERTIES,
  mailboxObject,
  type PartSelection,
  pick,
} from './mail-objects.js';
import { mailboxQuery, mailboxQueryChanges } from './mailbox-query.js';
import { mailboxSet } from './mailbox-set.js';
import {
  accountState,
  getArguments,
  getResponse,
  knownArguments,
  nonNegativeInteger,
  requireAccount,
} from './method-arguments.js';
import { QUOTA_METHODS } from './quota-methods.js';
import { methodError } from './request.js';
import { searchSnippetGet } from './search-snippet.js';
import {
  emailSubmissionGet,
  emailSubmissionSet,
  identityChanges,
  identityGet,
  identitySet,
  SUBMISSION_CAPABILITY,
} from './submission-methods.js';
import {
  emailSubmissionChanges,
  emailSubmissionQuery,
  emailSubmissionQueryChanges,
} from './submission-query.js';
import { VACATION_CAPABILITY, vacationResponseGet, vacationResponseSet } from './vacation-response.js';

export const MAX_CHANGES = 5000;

async function changes(
  call: MethodContext,
  args: Record<string, unknown>,
  kind: ChangeKind,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'sinceState', 'maxChanges']);
  const current = Number(await accountState(call));
  const since =
    typeof args.sinceState === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(args.sinceState)
      ? Number(args.sinceState)
      : Number.NaN;
  if (Number.isNaN(since)) throw invalidArguments('sinceState must be a state string from this server');
  if (since > current) {
    throw new MethodFailure(methodError('cannotCalculateChanges', 'sinceState is newer than the account'));
  }
  const asked = nonNegativeInteger(args.maxChanges, 'maxChanges', MAX_CHANGES);
  const maxChanges = asked === 0 ? MAX_CHANGES : Math.min(asked, MAX_CHANGES);
  // Read a bounded slice of the log; when it was cut, its last modseq may be incomplete: dropped.
  const readLimit = 4 * maxChanges;
  let rows = await listAccountChangesSince(call.ctx.db, call.account.id, kind, since, readLimit + 1);
  const cut = rows.length > readLimit;
  if (cut) {
    const lastModseq = rows[readLimit - 1]?.modseq;
    rows = rows.slice(0, readLimit).filter((row) => row.modseq !== lastModseq);
    if (rows.length === 0) {
      throw new MethodFailure(methodError('cannotCalculateChanges', 'one change touches too many objects'));
    }
  }
  type Status = 'created' | 'updated' | 'destroyed';
  const status = new Map<string, Status>();
  let newState = since;
  let complete = !cut;
  for (let index = 0; index < rows.length; ) {
    const modseq = rows[index]?.modseq as number;
    const touched = new Map<string, Status | undefined>();
    for (; index < rows.length && rows[index]?.modseq === modseq; index++) {
      const { object_id: id, action } = rows[index] as (typeof rows)[number];
      const before = touched.has(id) ? touched.get(id) : status.get(id);
      touched.set(
        id,
        action === 'created'
          ? 'created'
          : action === 'destroyed'
            ? before === 'created'
              ? undefined // created and destroyed since sinceState: nothing to tell
              : 'destroyed'
            : (before ?? 'updated'),
      );
    }
    let size = status.size;
    for (const [id, next] of touched) size += (next ? 1 : 0) - (status.has(id) ? 1 : 0);
    if (size > maxChanges) {
      if (newState === since) {
        throw new MethodFailure(
          methodError('cannotCalculateChanges', 'one change touches more than maxChanges objects'),
        );
      }
      complete = false;
      break;
    }
    for (const [id, next] of touched) {
      if (next) status.set(id, next);
      else status.delete(id);
    }
    newState = modseq;
  }
  const ids = (wanted: Status) => [...status].filter(([, s]) => s === wanted).map(([id]) => id);
  return {
    accountId: call.account.id,
    oldState: String(since),
    newState: String(complete ? Math.max(current, newState) : newState),
    hasMoreChanges: !complete,
    created: ids('created'),
    updated: ids('updated'),
    destroyed: ids('destroyed'),
    ...(kind === 'mailbox' ? { updatedProperties: null } : {}),
  };
}

async function mailboxGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { ids, properties, state } = await getArguments(call, args, MAILBOX_PROPERTIES, 'Mailbox');
  const boxes = await listMailboxes(call.ctx.db, call.account.id);
  const counters = new Map(
    (await countMailboxesOfAccount(call.ctx.db, call.account.id)).map((c) => [c.mailboxId, c]),
  );
  const found = new Map(
    boxes.map((box) => [box.id, pick(mailboxObject(box, counters.get(box.id)), properties)]),
  );
  return getResponse(call, state, ids ?? boxes.map((box) => box.id), found);
}

const BODY_VALUE_ARGUMENTS = [
  'fetchTextBodyValues',
  'fetchHTMLBodyValues',
  'fetchAllBodyValues',
  'maxBodyValueBytes',
  'bodyProperties',
] as const;

/** The header properties among `asked` (checked), and whether `headers` is one. */
function headerRequests(asked: unknown): { requests: HeaderRequest[]; withHeaders: boolean } {
  const names = Array.isArray(asked) ? asked.filter((p): p is string => typeof p === 'string') : [];
  return {
    requests: names.filter(isHeaderProperty).map(parseHeaderProperty),
    withHeaders: names.includes('headers'),
  };
}

/** bodyProperties, checked; null when not given (the default properties). */
function partSelection(value: unknown): PartSelection | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    throw invalidArguments('bodyProperties must be null or an array of names');
  }
  const { requests, withHeaders } = headerRequests(value);
  const unknown = (value as string[]).filter(
    (p) => !BODY_PART_PROPERTIES.includes(p) && p !== 'headers' && !isHeaderProperty(p),
  );
  if (unknown.length > 0) {
    throw invalidArguments(`unknown or unsupported bodyProperties: ${unknown.join(', ')}`);
  }
  return {
    properties: (value as string[]).filter((p) => BODY_PART_PROPERTIES.includes(p)),
    headers: requests,
    withHeaders,
  };
}

async function emailGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args); // before any argument is judged
  // `headers` and `header:…` only when asked: they are not among the default properties.
  const header = headerRequests(args.properties);
  const supported = [
    ...EMAIL_PROPERTIES,
    ...BODY_PROPERTIES,
    ...HEADER_PROPERTIES,
    ...(header.withHeaders ? ['headers'] : []),
    ...header.requests.map((r) => r.property),
  ];
  const { ids, properties, state } = await getArguments(call, args, supported, 'Email', BODY_VALUE_ARGUMENTS);
  const parts = partSelection(args.bodyProperties);
  for (const flag of ['fetchTextBodyValues', 'fetchHTMLBodyValues', 'fetchAllBodyValues'] as const) {
    if (args[flag] !== undefined && typeof args[flag] !== 'boolean')
      throw invalidArguments(`${flag} must be a boolean`);
  }
  const values = {
    text: args.fetchTextBodyValues === true,
    html: args.fetchHTMLBodyValues === true,
    all: args.fetchAllBodyValues === true,
    maxBytes: nonNegativeInteger(args.maxBodyValueBytes, 'maxBodyValueBytes', 0),
    parts,
  };
  const withBody = properties.some((p) => BODY_PROPERTIES.includes(p));
  const withHeaders =
    properties.some((p) => HEADER_PROPERTIES.includes(p)) || header.withHeaders || header.requests.length > 0;
  const wanted = ids ?? [];
  const messages = await findMessagesOfAccount(call.ctx.db, call.account.id, wanted);
  const blobIds = [...new Set(messages.map((m) => m.blob_id))];
  const bodies = new Map((await findMessageBodies(call.ctx.db, blobIds)).map((b) => [b.blob_id, b]));
  const mailboxes = await listMailboxIdsOfMessages(
    call.ctx.db,
    call.account.id,
    messages.map((m) => m.id),
  );
  const found = new Map<string, Record<string, unknown>>();
  for (const m of messages) {
    const body = bodies.get(m.blob_id);
    let object = emailObject(m, body, mailboxes.get(m.id) ?? [], keywordsOf(m));
    if ((withBody || withHeaders) && body) {
      // One message file in memory at a time, read only when a body or header property is asked for.
      const raw = await readMessageBytes(call.ctx, m.blob_id);
      if (withBody) {
        object = {
          ...object,
          ...bodyProperties(raw, m.blob_id, JSON.parse(body.structure) as MimePart, values),
        };
      }
      if (withHeaders) {
        object = { ...object, ...headerProperties(raw, header.requests, header.withHeaders) };
      }
    }
    found.set(m.id, pick(object, properties));
  }
  return getResponse(call, state, wanted, found);
}

async function threadGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { ids, state } = await getArguments(call, args, ['id', 'emailIds'], 'Thread');
  const wanted = ids ?? [];
  const members = await listThreadMembers(call.ctx.db, call.account.id, wanted);
  const found = new Map([...members].map(([id, emailIds]) => [id, { id, emailIds }]));
  return getResponse(call, state, wanted, found);
}

export const MAIL_METHODS: ReadonlyMap<string, MethodDefinition> = new Map<string, MethodDefinition>([
  ['Core/echo', { capability: CORE_CAPABILITY, handler: async (_call, args) => args }],
  ['Mailbox/get', { capability: MAIL_CAPABILITY, handler: mailboxGet }],
  [
    'Mailbox/changes',
    { capability: MAIL_CAPABILITY, handler: (call, args) => changes(call, args, 'mailbox') },
  ],
  ['Mailbox/query', { capability: MAIL_CAPABILITY, handler: mailboxQuery }],
  ['Mailbox/queryChanges', { capability: MAIL_CAPABILITY, handler: mailboxQueryChanges }],
  ['Email/query', { capability: MAIL_CAPABILITY, handler: emailQuery }],
  ['Email/queryChanges', { capability: MAIL_CAPABILITY, handler: emailQueryChanges }],
  ['Email/get', { capability: MAIL_CAPABILITY, handler: emailGet }],
  ['Email/set', { capability: MAIL_CAPABILITY, handler: emailSet }],
  ['Mailbox/set', { capability: MAIL_CAPABILITY, handler: mailboxSet }],
  ['Email/changes', { capability: MAIL_CAPABILITY, handler: (call, args) => changes(call, args, 'email') }],
  ['Thread/get', { capability: MAIL_CAPABILITY, handler: threadGet }],
  ['SearchSnippet/get', { capability: MAIL_CAPABILITY, handler: searchSnippetGet }],
  ['VacationResponse/get', { capability: VACATION_CAPABILITY, handler: vacationResponseGet }],
  ['VacationResponse/set', { capability: VACATION_CAPABILITY, handler: vacationResponseSet }],
  ...QUOTA_METHODS,
  ['Identity/get', { capability: SUBMISSION_CAPABILITY, handler: identityGet }],
  ['Identity/set', { capability: SUBMISSION_CAPABILITY, handler: identitySet }],
  ['Identity/changes', { capability: SUBMISSION_CAPABILITY, handler: identityChanges }],
  ['EmailSubmission/get', { capability: SUBMISSION_CAPABILITY, handler: emailSubmissionGet }],
  ['EmailSubmission/set', { capability: SUBMISSION_CAPABILITY, handler: emailSubmissionSet }],
  ['EmailSubmission/changes', { capability: SUBMISSION_CAPABILITY, handler: emailSubmissionChanges }],
  ['EmailSubmission/query', { capability: SUBMISSION_CAPABILITY, handler: emailSubmissionQuery }],
  [
    'EmailSubmission/queryChanges',
    { capability: SUBMISSION_CAPABILITY, handler: emailSubmissionQueryChanges },
  ],
]);
