/**
 * JMAP Identity/get, /set and /changes, EmailSubmission/get and /set (RFC 8621 §6–7): who the user may send as, and
 * sending a written email — at once, or held on the server (undo send, scheduled send) as the
 * FUTURERELEASE parameters HOLDFOR and HOLDUNTIL (RFC 4865) of the envelope's MAIL FROM ask.
 *
 * Implementation notes
 * - Identities are the account's primary address and its aliases, named after the person, plus those
 *   the user created on those addresses; the rules live in core/compose/identities.ts. Ids: the
 *   account id for the primary address, `a-` + the alias in base64url for an alias, a UUID for a
 *   created one. Identity/set errors: an address not the user's is forbiddenFrom, deleting an own
 *   identity forbidden, a signature over 10 kB invalidProperties.
 * - Without an envelope, the recipients are the email's To, Cc and Bcc, and MAIL FROM the identity.
 * - Undo: update `undoStatus` to `canceled` while pending; once released it is `cannotUnsend`.
 * - onSuccessUpdateEmail / onSuccessDestroyEmail run as an implicit Email/set whose response follows
 *   this one with the same call id (RFC 8621 §7.5).
 * - Submission states are the account's modseq like every other type here; every change of a
 *   submission takes one (core/compose/submissions.ts). EmailSubmission/changes, /query and
 *   /queryChanges are in submission-query.ts.
 */
import {
  cancelSubmission,
  createIdentity,
  createSubmission,
  destroyIdentity,
  type Identity,
  identityChangesSince,
  listIdentities,
  MAX_HOLD_MS,
  updateIdentity,
} from '../../../core/compose/index.js';
import { readMessageBytes } from '../../../core/mail/index.js';
import { InputError, UserError } from '../../../lib/errors/index.js';
import { parseMessage } from '../../../lib/mime/index.js';
import {
  type EmailSubmission,
  findEmailSubmissions,
  findMessagesOfAccount,
} from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure, resolveCreationId } from './dispatch.js';
import { emailSet } from './email-set.js';
import { utcDate } from './mail-objects.js';
import {
  accountState,
  getArguments,
  getResponse,
  knownArguments,
  MAX_OBJECTS_IN_GET,
  nonNegativeInteger,
  requireAccount,
  stateForSet,
} from './method-arguments.js';
import { type MethodError, methodError } from './request.js';

export const SUBMISSION_CAPABILITY = 'urn:ietf:params:jmap:submission';

const IDENTITY_PROPERTIES = [
  'name',
  'email',
  'replyTo',
  'bcc',
  'textSignature',
  'htmlSignature',
  'mayDelete',
] as const;

export async function identityGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { ids, properties, state } = await getArguments(call, args, IDENTITY_PROPERTIES, 'Identity');
  const all = await listIdentities(call.ctx, call.account);
  const found = new Map(
    all.map((identity) => [
      identity.id,
      { id: identity.id, ...pick(identity as unknown as Record<string, unknown>, properties) },
    ]),
  );
  return getResponse(call, state, ids ?? all.map((i) => i.id), found);
}

function pick(object: Record<string, unknown>, properties: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(properties.filter((p) => p !== 'id').map((p) => [p, object[p]]));
}

const IDENTITY_ERRORS: Readonly<Record<string, (error: UserError | InputError) => MethodError>> = {
  'identity.invalid': (e) =>
    methodError('invalidProperties', e.message, {
      properties: (e.details.properties as string[] | undefined) ?? [],
    }),
  'identity.from_not_owned': (e) => methodError('forbiddenFrom', e.message),
  'identity.not_found': (e) => methodError('notFound', e.message),
  'identity.forbidden': (e) => methodError('forbidden', e.message),
  'identity.too_many': (e) => methodError('overQuota', e.message),
};

function identityError(error: unknown): MethodError {
  if (error instanceof UserError || error instanceof InputError) {
    return (IDENTITY_ERRORS[error.code] ?? ((e) => methodError('forbidden', e.message)))(error);
  }
  throw error;
}

function objectArgument(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArguments(`${name} must be an object`);
  return value as Record<string, unknown>;
}

/** What a client may give on create and update (`email` only on create; on update, unchanged). */
const SETTABLE: readonly string[] = ['name', 'email', 'replyTo', 'bcc', 'textSignature', 'htmlSignature'];

/**
 * Identity/set (RFC 8621 §6.3): create identities for the account's own addresses, change names,
 * Reply-To, Bcc and signatures, destroy created identities (the account's own are mayDelete false).
 */
export async function identitySet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ifInState', 'create', 'update', 'destroy']);
  const create = objectArgument(args.create, 'create');
  const update = objectArgument(args.update, 'update');
  const destroy = args.destroy ?? [];
  if (!Array.isArray(destroy) || !destroy.every((id) => typeof id === 'string')) {
    throw invalidArguments('destroy must be a list of ids');
  }
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > MAX_OBJECTS_IN_GET) {
    throw invalidArguments(`at most ${MAX_OBJECTS_IN_GET} changes per call`);
  }
  const oldState = await stateForSet(call, args);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, MethodError> = {};
  for (const [creationId, object] of Object.entries(create)) {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      notCreated[creationId] = methodError('invalidProperties', 'an identity is an object');
      continue;
    }
    const record = object as Record<string, unknown>;
    const refused = Object.keys(record).filter((key) => !SETTABLE.includes(key));
    if (refused.length > 0) {
      notCreated[creationId] = methodError('invalidProperties', `not settable: ${refused.join(', ')}`, {
        properties: refused,
      });
      continue;
    }
    try {
      const identity = await createIdentity(call.ctx, call.account, record);
      created[creationId] = { id: identity.id, mayDelete: identity.mayDelete, name: identity.name };
      call.creationIds.set(creationId, identity.id);
    } catch (error) {
      notCreated[creationId] = identityError(error);
    }
  }
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, MethodError> = {};
  for (const [given, patch] of Object.entries(update)) {
    const id = resolveCreationId(call, given) ?? given;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      notUpdated[given] = methodError('invalidPatch', 'a patch is an object');
      continue;
    }
    const record = patch as Record<string, unknown>;
    const refused = Object.keys(record).filter((key) => !SETTABLE.includes(key));
    if (refused.length > 0) {
      notUpdated[given] = methodError('invalidProperties', `not settable: ${refused.join(', ')}`, {
        properties: refused,
      });
      continue;
    }
    try {
      await updateIdentity(call.ctx, call.account, id, record);
      updated[given] = null;
    } catch (error) {
      notUpdated[given] = identityError(error);
    }
  }
  const destroyed: string[] = [];
  const notDestroyed: Record<string, MethodError> = {};
  for (const given of destroy as string[]) {
    const id = resolveCreationId(call, given) ?? given;
    try {
      await destroyIdentity(call.ctx, call.account, id);
      destroyed.push(given);
    } catch (error) {
      notDestroyed[given] = identityError(error);
    }
  }
  const some = <T extends object>(o: T) => (Object.keys(o).length > 0 ? o : null);
  return {
    accountId: call.account.id,
    oldState,
    newState: await accountState(call),
    created: some(created),
    updated: some(updated),
    destroyed: destroyed.length > 0 ? destroyed : null,
    notCreated: some(notCreated),
    notUpdated: some(notUpdated),
    notDestroyed: some(notDestroyed),
  };
}

/** Identity/changes (RFC 8620 §5.2) from the identity rows' modseqs; see core/compose/identities.ts. */
export async function identityChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'sinceState', 'maxChanges']);
  const current = await accountState(call);
  const since =
    typeof args.sinceState === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(args.sinceState)
      ? Number(args.sinceState)
      : Number.NaN;
  if (Number.isNaN(since) || since > Number(current)) {
    throw new MethodFailure(methodError('cannotCalculateChanges', 'unknown state'));
  }
  nonNegativeInteger(args.maxChanges, 'maxChanges', 0);
  const changes = await identityChangesSince(call.ctx, call.account, since);
  return {
    accountId: call.account.id,
    oldState: args.sinceState,
    newState: current,
    hasMoreChanges: false,
    ...changes,
  };
}

function submissionObject(row: EmailSubmission): Record<string, unknown> {
  return {
    id: row.id,
    identityId: row.identity_id,
    emailId: row.email_id,
    threadId: row.thread_id,
    envelope: {
      mailFrom: { email: row.mail_from, parameters: null },
      rcptTo: (JSON.parse(row.recipients) as string[]).map((email) => ({ email, parameters: null })),
    },
    sendAt: utcDate(row.send_at),
    undoStatus: row.undo_status,
    deliveryStatus: null,
    dsnBlobIds: [],
    mdnBlobIds: [],
  };
}

export async function emailSubmissionGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const properties = Object.keys(
    submissionObject({ recipients: '[]', send_at: 0 } as EmailSubmission),
  ).filter((p) => p !== 'id');
  const { ids, state } = await getArguments(call, args, properties, 'EmailSubmission');
  const rows = await findEmailSubmissions(call.ctx.db, call.account.id, ids);
  const found = new Map(rows.map((row) => [row.id, submissionObject(row)]));
  return getResponse(call, state, ids ?? rows.map((r) => r.id), found);
}

class Refused extends Error {
  constructor(readonly error: MethodError) {
    super(error.description);
  }
}

const SUBMIT_ERRORS: Readonly<Record<string, (message: string) => MethodError>> = {
  'mail.sender_not_owned': (m) => methodError('forbiddenMailFrom', m),
  'mail.from_not_owned': (m) => methodError('forbiddenFrom', m),
  'mail.unknown_recipient': (m) => methodError('invalidRecipients', m),
  'mail.external_forbidden': (m) => methodError('forbiddenToSend', m),
  'mail.no_recipients': (m) => methodError('noRecipients', m),
  'mail.hold_too_long': (m) => methodError('invalidProperties', m, { properties: ['envelope'] }),
  'outbound.invalid_address': (m) => methodError('invalidRecipients', m),
  'outbound.too_many_recipients': (m) => methodError('tooManyRecipients', m),
};

/** The release time asked by FUTURERELEASE parameters of MAIL FROM, or now. */
function releaseTime(parameters: unknown, now: number): number {
  if (parameters === undefined || parameters === null) return now;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new Refused(
      methodError('invalidProperties', 'parameters must be an object', { properties: ['envelope'] }),
    );
  }
  const { HOLDFOR: holdFor, HOLDUNTIL: holdUntil, ...other } = parameters as Record<string, unknown>;
  if (Object.keys(other).length > 0) {
    throw new Refused(
      methodError('invalidProperties', `unsupported parameters: ${Object.keys(other).join(', ')}`, {
        properties: ['envelope'],
      }),
    );
  }
  if (holdFor !== undefined && holdUntil !== undefined) {
    throw new Refused(
      methodError('invalidProperties', 'HOLDFOR or HOLDUNTIL, not both', { properties: ['envelope'] }),
    );
  }
  if (holdFor !== undefined) {
    const seconds = Number(holdFor);
    if (!/^\d{1,9}$/.test(String(holdFor)) || seconds * 1000 > MAX_HOLD_MS) {
      throw new Refused(
        methodError('invalidProperties', 'HOLDFOR must be a number of seconds', { properties: ['envelope'] }),
      );
    }
    return now + seconds * 1000;
  }
  if (holdUntil !== undefined) {
    const at = typeof holdUntil === 'string' ? Date.parse(holdUntil) : Number.NaN;
    if (
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(String(holdUntil)) ||
      Number.isNaN(at)
    ) {
      throw new Refused(
        methodError('invalidProperties', 'HOLDUNTIL must be an RFC 3339 date-time', {
          properties: ['envelope'],
        }),
      );
    }
    return Math.max(now, at);
  }
  return now;
}

async function createOne(
  call: MethodContext,
  object: unknown,
  identities: readonly Identity[],
): Promise<EmailSubmission> {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Refused(methodError('invalidProperties', 'a submission is an object'));
  }
  const { identityId, emailId, envelope, ...rest } = object as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new Refused(
      methodError('invalidProperties', `not settable: ${Object.keys(rest).join(', ')}`, {
        properties: Object.keys(rest),
      }),
    );
  }
  const identity = identities.find((i) => i.id === identityId);
  if (!identity)
    throw new Refused(methodError('invalidProperties', 'unknown identityId', { properties: ['identityId'] }));
  const id = typeof emailId === 'string' ? resolveCreationId(call, emailId) : undefined;
  const [message] = id ? await findMessagesOfAccount(call.ctx.db, call.account.id, [id]) : [];
  if (!message)
    throw new Refused(methodError('invalidProperties', 'unknown emailId', { properties: ['emailId'] }));
  let mailFrom = identity.email;
  let recipients: string[];
  let sendAt = call.ctx.clock.now();
  if (envelope === undefined || envelope === null) {
    const parsed = parseMessage(await readMessageBytes(call.ctx, message.blob_id));
    recipients = [...parsed.to, ...parsed.cc, ...parsed.bcc].map((a) => a.address);
  } else {
    const { mailFrom: from, rcptTo } = envelope as Record<string, unknown>;
    const fromAddress = (from as Record<string, unknown> | undefined)?.email;
    if (typeof fromAddress !== 'string' || !Array.isArray(rcptTo)) {
      throw new Refused(
        methodError('invalidProperties', 'envelope needs mailFrom and rcptTo', { properties: ['envelope'] }),
      );
    }
    mailFrom = fromAddress;
    sendAt = releaseTime((from as Record<string, unknown>).parameters, sendAt);
    recipients = rcptTo
      .map((r) => (r as Record<string, unknown> | null)?.email)
      .filter((e): e is string => typeof e === 'string');
  }
  return createSubmission(call.ctx, call.account, {
    identityId: identity.id,
    emailId: message.id,
    threadId: message.thread_id,
    blobId: message.blob_id,
    mailFrom,
    recipients: [...new Map(recipients.map((r) => [r.toLowerCase(), r])).values()],
    sendAt,
  });
}

export async function emailSubmissionSet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, [
    'accountId',
    'ifInState',
    'create',
    'update',
    'destroy',
    'onSuccessUpdateEmail',
    'onSuccessDestroyEmail',
  ]);
  const create = (args.create ?? {}) as Record<string, unknown>;
  const update = (args.update ?? {}) as Record<string, unknown>;
  const destroy = (args.destroy ?? []) as unknown[];
  if (
    typeof create !== 'object' ||
    Array.isArray(create) ||
    typeof update !== 'object' ||
    Array.isArray(update) ||
    !Array.isArray(destroy)
  ) {
    throw invalidArguments('create and update are objects, destroy a list');
  }
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > MAX_OBJECTS_IN_GET) {
    throw invalidArguments(`at most ${MAX_OBJECTS_IN_GET} changes per call`);
  }
  const oldState = await stateForSet(call, args);
  const identities = await listIdentities(call.ctx, call.account);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, MethodError> = {};
  const succeeded = new Map<string, string>(); // submission id or #creation → email id
  for (const [creationId, object] of Object.entries(create)) {
    try {
      const row = await createOne(call, object, identities);
      created[creationId] = {
        id: row.id,
        sendAt: utcDate(row.send_at),
        undoStatus: row.undo_status,
        threadId: row.thread_id,
      };
      call.creationIds.set(creationId, row.id);
      succeeded.set(`#${creationId}`, row.email_id);
      succeeded.set(row.id, row.email_id);
    } catch (error) {
      if (error instanceof Refused) notCreated[creationId] = error.error;
      else if (error instanceof UserError)
        notCreated[creationId] = (SUBMIT_ERRORS[error.code] ?? ((m) => methodError('forbidden', m)))(
          error.message,
        );
      else throw error;
    }
  }
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, MethodError> = {};
  const existing = new Map(
    (
      await findEmailSubmissions(
        call.ctx.db,
        call.account.id,
        Object.keys(update).map((id) => resolveCreationId(call, id) ?? id),
      )
    ).map((r) => [r.id, r]),
  );
  for (const [given, patch] of Object.entries(update)) {
    const id = resolveCreationId(call, given) ?? given;
    const row = existing.get(id);
    if (!row) {
      notUpdated[given] = methodError('notFound', 'no such submission');
      continue;
    }
    const keys = Object.keys((patch ?? {}) as object);
    if (
      keys.length !== 1 ||
      keys[0] !== 'undoStatus' ||
      (patch as Record<string, unknown>).undoStatus !== 'canceled'
    ) {
      notUpdated[given] = methodError('invalidProperties', 'only undoStatus can change, to canceled', {
        properties: keys,
      });
      continue;
    }
    if (await cancelSubmission(call.ctx, call.account, id)) {
      updated[given] = null;
      succeeded.set(id, row.email_id);
    } else {
      notUpdated[given] = methodError('cannotUnsend', 'the message has been sent already');
    }
  }
  const notDestroyed = Object.fromEntries(
    destroy.map((id) => [
      String(id),
      methodError('forbidden', 'submissions are kept; cancel one with undoStatus'),
    ]),
  );
  const response = {
    accountId: call.account.id,
    oldState,
    newState: await accountState(call),
    created: Object.keys(created).length > 0 ? created : null,
    updated: Object.keys(updated).length > 0 ? updated : null,
    destroyed: null,
    notCreated: Object.keys(notCreated).length > 0 ? notCreated : null,
    notUpdated: Object.keys(notUpdated).length > 0 ? notUpdated : null,
    notDestroyed: destroy.length > 0 ? notDestroyed : null,
  };
  await onSuccess(call, args, succeeded);
  return response;
}

/** The implicit Email/set of onSuccessUpdateEmail and onSuccessDestroyEmail, for what succeeded. */
async function onSuccess(
  call: MethodContext,
  args: Record<string, unknown>,
  succeeded: Map<string, string>,
): Promise<void> {
  const patches: Record<string, unknown> = {};
  for (const [key, patch] of Object.entries((args.onSuccessUpdateEmail ?? {}) as Record<string, unknown>)) {
    const emailId = succeeded.get(key);
    if (emailId) patches[emailId] = patch;
  }
  const destroy = ((args.onSuccessDestroyEmail ?? []) as unknown[])
    .map((key) => succeeded.get(String(key)))
    .filter((id): id is string => id !== undefined);
  if (Object.keys(patches).length === 0 && destroy.length === 0) return;
  const result = await emailSet(call, { accountId: call.account.id, update: patches, destroy });
  call.followUps.push(['Email/set', result]);
}
