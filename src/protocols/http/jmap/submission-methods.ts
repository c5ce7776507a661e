/**
 * JMAP Identity/get and EmailSubmission/get and /set (RFC 8621 §6–7): who the user may send as, and
 * sending a written email — at once, or held on the server (undo send, scheduled send) as the
 * FUTURERELEASE parameters HOLDFOR and HOLDUNTIL (RFC 4865) of the envelope's MAIL FROM ask.
 *
 * Implementation notes
 * - Identities are the account's primary address and its aliases, named after the person. Their
 *   ids: the account id for the primary address, `a-` + the alias in base64url for an alias.
 * - Without an envelope, the recipients are the email's To, Cc and Bcc, and MAIL FROM the identity.
 * - Undo: update `undoStatus` to `canceled` while pending; once released it is `cannotUnsend`.
 * - onSuccessUpdateEmail / onSuccessDestroyEmail run as an implicit Email/set whose response follows
 *   this one with the same call id (RFC 8621 §7.5).
 * - Submission states are the account's modseq like every other type here; /changes and /query of
 *   submissions are not served yet.
 */
import { cancelSubmission, createSubmission, MAX_HOLD_MS } from '../../../core/compose/index.js';
import { readMessageBytes } from '../../../core/mail/index.js';
import { UserError } from '../../../lib/errors/index.js';
import { parseMessage } from '../../../lib/mime/index.js';
import {
  type EmailSubmission,
  findEmailSubmissions,
  findMessagesOfAccount,
  listAliases,
} from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, resolveCreationId } from './dispatch.js';
import { emailSet } from './email-set.js';
import { utcDate } from './mail-objects.js';
import {
  accountState,
  getArguments,
  getResponse,
  knownArguments,
  MAX_OBJECTS_IN_GET,
  requireAccount,
  stateForSet,
} from './method-arguments.js';
import { type MethodError, methodError } from './request.js';

export const SUBMISSION_CAPABILITY = 'urn:ietf:params:jmap:submission';

interface Identity {
  id: string;
  name: string;
  email: string;
  replyTo: null;
  bcc: null;
  textSignature: string;
  htmlSignature: string;
  mayDelete: boolean;
}

async function identitiesOf(call: MethodContext): Promise<Identity[]> {
  const { account } = call;
  const name = `${account.first_name} ${account.last_name}`.trim();
  const identity = (id: string, email: string): Identity => ({
    id,
    name,
    email,
    replyTo: null,
    bcc: null,
    textSignature: '',
    htmlSignature: '',
    mayDelete: false,
  });
  const aliases = await listAliases(call.ctx.db, account.id);
  return [
    identity(account.id, account.address),
    ...aliases.map((alias) =>
      identity(`a-${Buffer.from(alias.address).toString('base64url')}`, alias.address),
    ),
  ];
}

export async function identityGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const properties = ['name', 'email', 'replyTo', 'bcc', 'textSignature', 'htmlSignature', 'mayDelete'];
  const { ids, state } = await getArguments(call, args, properties, 'Identity');
  const all = await identitiesOf(call);
  const found = new Map(all.map((identity) => [identity.id, { ...identity }]));
  return getResponse(call, state, ids ?? all.map((i) => i.id), found);
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
  identities: Identity[],
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
  const identities = await identitiesOf(call);
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
