/**
 * JMAP Email/set (RFC 8621 §4.6): updates of keywords and mailboxes, as patches (`keywords/$seen`)
 * or wholes, and destruction ("delete forever", "empty Trash": the message leaves every mailbox and
 * the quota), with ifInState; create (a draft: email-create.ts).
 */
import { destroyEmails, type EmailUpdate, keywordsOf, updateEmails } from '../../../core/mail/index.js';
import { findMessagesOfAccount, listMailboxIdsOfMessages } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure, resolveCreationId } from './dispatch.js';
import { createEmails } from './email-create.js';
import {
  accountState,
  knownArguments,
  MAX_OBJECTS_IN_GET,
  requireAccount,
  stateForSet,
} from './method-arguments.js';
import { type MethodError, methodError } from './request.js';

/** The new keywords and mailboxes of an email after a JMAP PatchObject (RFC 8620 §5.3). */
function applyEmailPatch(
  patch: Record<string, unknown>,
  keywords: readonly string[],
  mailboxIds: readonly string[],
): { ok: true; update: EmailUpdate } | { ok: false; error: MethodError } {
  const sets: Record<'keywords' | 'mailboxIds', Set<string>> = {
    keywords: new Set(keywords),
    mailboxIds: new Set(mailboxIds),
  };
  const touched = new Set<'keywords' | 'mailboxIds'>();
  const invalid = (property: string, description: string) => ({
    ok: false as const,
    error: methodError('invalidProperties', description, { properties: [property] }),
  });
  const whole = new Set(Object.keys(patch).filter((key) => key === 'keywords' || key === 'mailboxIds'));
  for (const [key, value] of Object.entries(patch)) {
    const slash = key.indexOf('/');
    const property = slash < 0 ? key : key.slice(0, slash);
    if (property !== 'keywords' && property !== 'mailboxIds') {
      return invalid(property, `${property} cannot be changed here`);
    }
    touched.add(property);
    if (slash < 0) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return invalid(property, `${property} must be an object of true values`);
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (!entries.every(([, v]) => v === true)) return invalid(property, `${property} values must be true`);
      sets[property] = new Set(entries.map(([name]) => name));
      continue;
    }
    if (whole.has(property)) {
      return { ok: false, error: methodError('invalidPatch', `both ${property} and ${key} given`) };
    }
    const name = key
      .slice(slash + 1)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    if (name.length === 0 || name.includes('/'))
      return { ok: false, error: methodError('invalidPatch', `bad path ${key}`) };
    if (value === true) sets[property].add(name);
    else if (value === null) sets[property].delete(name);
    else return invalid(property, `${key} must be true or null`);
  }
  return {
    ok: true,
    update: {
      ...(touched.has('keywords') ? { keywords: [...sets.keywords] } : {}),
      ...(touched.has('mailboxIds') ? { mailboxIds: [...sets.mailboxIds] } : {}),
    },
  };
}

const SET_ERRORS: Readonly<Record<string, (message: string) => MethodError>> = {
  'email.not_found': (message) => methodError('notFound', message),
  'email.invalid_keyword': (message) =>
    methodError('invalidProperties', message, { properties: ['keywords'] }),
  'email.no_mailbox': (message) => methodError('invalidProperties', message, { properties: ['mailboxIds'] }),
  'mailbox.not_found': (message) => methodError('invalidProperties', message, { properties: ['mailboxIds'] }),
};

export async function emailSet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ifInState', 'create', 'update', 'destroy']);
  const create = args.create ?? {};
  if (typeof create !== 'object' || create === null || Array.isArray(create)) {
    throw invalidArguments('create must map creation ids to emails');
  }
  const destroy = args.destroy ?? [];
  if (!Array.isArray(destroy) || !destroy.every((id) => typeof id === 'string')) {
    throw invalidArguments('destroy must list email ids');
  }
  const update = args.update ?? {};
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw invalidArguments('update must map email ids to patch objects');
  }
  const patches = Object.entries(update as Record<string, unknown>);
  if (Object.keys(create).length + patches.length + destroy.length > MAX_OBJECTS_IN_GET) {
    throw new MethodFailure(methodError('requestTooLarge', `at most ${MAX_OBJECTS_IN_GET} updates per call`));
  }
  const oldState = await stateForSet(call, args);
  // RFC 8620 §5.3: create, then update, then destroy.
  const { created, notCreated } = await createEmails(
    call,
    create as Record<string, unknown>,
    call.maxUploadBytes,
  );
  const ids = patches.map(([id]) => resolveCreationId(call, id) ?? id);
  const messages = new Map(
    (await findMessagesOfAccount(call.ctx.db, call.account.id, ids)).map((m) => [m.id, m]),
  );
  const mailboxes = await listMailboxIdsOfMessages(call.ctx.db, call.account.id, ids);
  const notUpdated: Record<string, MethodError> = {};
  const updates = new Map<string, EmailUpdate>();
  for (const [given, patch] of patches) {
    const id = resolveCreationId(call, given) ?? given;
    const message = messages.get(id);
    if (!message) {
      notUpdated[id] = methodError('notFound', 'no such email');
      continue;
    }
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      notUpdated[id] = methodError('invalidPatch', 'a patch is an object');
      continue;
    }
    const applied = applyEmailPatch(
      patch as Record<string, unknown>,
      keywordsOf(message),
      mailboxes.get(id) ?? [],
    );
    if (applied.ok) updates.set(id, applied.update);
    else notUpdated[id] = applied.error;
  }
  const results = await updateEmails(call.ctx, call.account.id, updates);
  const updated: Record<string, null> = {};
  for (const [id, result] of results) {
    if (result.ok) updated[id] = null;
    else
      notUpdated[id] = (SET_ERRORS[result.error.code] ?? ((m) => methodError('forbidden', m)))(
        result.error.message,
      );
  }
  // After the updates (RFC 8620 §5.3: create, update, destroy).
  const destroyIds = (destroy as string[]).map((id) => resolveCreationId(call, id) ?? id);
  const destroyed = await destroyEmails(call.ctx, call.account.id, [...new Set(destroyIds)]);
  const notDestroyed = Object.fromEntries(
    destroyIds
      .filter((id) => !destroyed.includes(id))
      .map((id) => [id, methodError('notFound', 'no such email')]),
  );
  return {
    accountId: call.account.id,
    oldState,
    newState: await accountState(call),
    created: Object.keys(created).length > 0 ? created : null,
    updated: Object.keys(updated).length > 0 ? updated : null,
    destroyed: destroyed.length > 0 ? destroyed : null,
    notCreated: Object.keys(notCreated).length > 0 ? notCreated : null,
    notUpdated: Object.keys(notUpdated).length > 0 ? notUpdated : null,
    notDestroyed: Object.keys(notDestroyed).length > 0 ? notDestroyed : null,
  };
}
