/**
 * JMAP Mailbox/set (RFC 8621 §2.5): create, rename or move, (un)subscribe and destroy folders, on
 * the same core operations as IMAP CREATE, RENAME, SUBSCRIBE and DELETE.
 *
 * Implementation notes
 * - A mailbox is named by its path in the store; `name` and `parentId` together give the new path.
 *   A name may not hold "/" (the hierarchy separator) and follows IMAP's folder-name rules.
 * - Roles are fixed (one folder per special use, created with the account): setting `role` or
 *   `sortOrder` is refused, and a role folder cannot be destroyed or renamed away from its role.
 * - Destroy: a folder with subfolders is `mailboxHasChild`; with messages it is `mailboxHasEmail`
 *   unless `onDestroyRemoveEmails`, then the messages only it holds are destroyed too (their bytes
 *   leave the quota), as IMAP DELETE does.
 * - Creations, then updates, then destructions, in that order (RFC 8620 §5.3); `#clientId`
 *   references to a mailbox created in the same call are resolved for `parentId`.
 */
import { createMailbox, deleteMailbox, renameMailbox, setSubscribed } from '../../../core/mail/index.js';
import { UserError } from '../../../lib/errors/index.js';
import { countMailboxMessages, listMailboxes, type Mailbox } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import {
  accountState,
  knownArguments,
  MAX_OBJECTS_IN_GET,
  requireAccount,
  stateForSet,
} from './method-arguments.js';
import { type MethodError, methodError } from './request.js';

const SET_ERRORS: Readonly<Record<string, (message: string) => MethodError>> = {
  'mailbox.exists': (m) => methodError('invalidProperties', m, { properties: ['name'] }),
  'mailbox.invalid_name': (m) => methodError('invalidProperties', m, { properties: ['name'] }),
  'mailbox.protected': (m) => methodError('forbidden', m),
  'mailbox.has_children': (m) => methodError('mailboxHasChild', m),
  'mailbox.not_found': (m) => methodError('notFound', m),
};

function setError(error: unknown): MethodError {
  if (error instanceof UserError) {
    return (SET_ERRORS[error.code] ?? ((m: string) => methodError('forbidden', m)))(error.message);
  }
  throw error;
}

const object = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function mailboxSet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ifInState', 'create', 'update', 'destroy', 'onDestroyRemoveEmails']);
  const create = args.create ?? {};
  const update = args.update ?? {};
  const destroy = args.destroy ?? [];
  if (
    !object(create) ||
    !object(update) ||
    !Array.isArray(destroy) ||
    !destroy.every((id) => typeof id === 'string')
  ) {
    throw invalidArguments('create and update map ids to objects, destroy lists ids');
  }
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > MAX_OBJECTS_IN_GET) {
    throw new MethodFailure(methodError('requestTooLarge', `at most ${MAX_OBJECTS_IN_GET} changes per call`));
  }
  const oldState = await stateForSet(call, args);
  const { ctx, account } = call;
  let boxes = await listMailboxes(ctx.db, account.id);
  const byId = () => new Map(boxes.map((box) => [box.id, box]));
  const createdIds = new Map<string, string>();
  const resolveId = (id: unknown) =>
    typeof id === 'string' && id.startsWith('#') ? (createdIds.get(id.slice(1)) ?? id) : id;
  /** The path for `name` under `parentId`, or the SetError explaining why there is none. */
  const pathOf = (name: unknown, parentId: unknown): string | MethodError => {
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
      return methodError('invalidProperties', 'a name is a non-empty string without "/"', {
        properties: ['name'],
      });
    }
    if (parentId === null || parentId === undefined) return name;
    const parent = byId().get(resolveId(parentId) as string);
    if (!parent)
      return methodError('invalidProperties', 'no such parent mailbox', { properties: ['parentId'] });
    return `${parent.path}/${name}`;
  };
  const fixed = (properties: Record<string, unknown>, allowed: readonly string[]) =>
    Object.keys(properties).filter((key) => !allowed.includes(key));

  const created: Record<string, unknown> = {};
  const notCreated: Record<string, MethodError> = {};
  for (const [clientId, properties] of Object.entries(create)) {
    if (!object(properties)) {
      notCreated[clientId] = methodError('invalidProperties', 'a mailbox is an object');
      continue;
    }
    const refused = fixed(properties, ['name', 'parentId', 'isSubscribed']).filter(
      (key) =>
        !(key === 'role' && properties.role === null) &&
        !(key === 'sortOrder' && properties.sortOrder === 100),
    );
    if (refused.length > 0) {
      notCreated[clientId] = methodError('invalidProperties', 'these properties are set by the server', {
        properties: refused,
      });
      continue;
    }
    const path = pathOf(properties.name, properties.parentId);
    if (typeof path !== 'string') {
      notCreated[clientId] = path;
      continue;
    }
    try {
      const box = await createMailbox(ctx, account.id, path);
      if (properties.isSubscribed === false) await setSubscribed(ctx, account.id, box.id, false);
      createdIds.set(clientId, box.id);
      boxes = await listMailboxes(ctx.db, account.id);
      created[clientId] = {
        id: box.id,
        role: null,
        sortOrder: box.sort_order,
        totalEmails: 0,
        unreadEmails: 0,
        totalThreads: 0,
        unreadThreads: 0,
        isSubscribed: properties.isSubscribed !== false,
      };
    } catch (error) {
      notCreated[clientId] = setError(error);
    }
  }

  const updated: Record<string, null> = {};
  const notUpdated: Record<string, MethodError> = {};
  for (const [id, properties] of Object.entries(update)) {
    const box = byId().get(id);
    if (!box) {
      notUpdated[id] = methodError('notFound', 'no such mailbox');
      continue;
    }
    if (!object(properties)) {
      notUpdated[id] = methodError('invalidPatch', 'a patch is an object');
      continue;
    }
    const refused = fixed(properties, ['name', 'parentId', 'isSubscribed']);
    if (refused.length > 0) {
      notUpdated[id] = methodError('invalidProperties', 'these properties are set by the server', {
        properties: refused,
      });
      continue;
    }
    try {
      if ('name' in properties || 'parentId' in properties) {
        const path = pathOf(
          'name' in properties ? properties.name : box.name,
          'parentId' in properties ? properties.parentId : box.parent_id,
        );
        if (typeof path !== 'string') {
          notUpdated[id] = path;
          continue;
        }
        if (path !== box.path) await renameMailbox(ctx, account.id, id, path);
      }
      if (typeof properties.isSubscribed === 'boolean') {
        await setSubscribed(ctx, account.id, id, properties.isSubscribed);
      }
      boxes = await listMailboxes(ctx.db, account.id);
      updated[id] = null;
    } catch (error) {
      notUpdated[id] = setError(error);
    }
  }

  const destroyed: string[] = [];
  const notDestroyed: Record<string, MethodError> = {};
  for (const id of destroy as string[]) {
    const box: Mailbox | undefined = byId().get(id);
    if (!box) {
      notDestroyed[id] = methodError('notFound', 'no such mailbox');
      continue;
    }
    try {
      if (boxes.some((other) => other.parent_id === id)) {
        notDestroyed[id] = methodError('mailboxHasChild', 'delete its subfolders first');
        continue;
      }
      if (!box.role && args.onDestroyRemoveEmails !== true) {
        const { total } = await countMailboxMessages(ctx.db, account.id, id);
        if (total > 0) {
          notDestroyed[id] = methodError('mailboxHasEmail', 'the folder holds messages');
          continue;
        }
      }
      await deleteMailbox(ctx, account.id, id);
      boxes = await listMailboxes(ctx.db, account.id);
      destroyed.push(id);
    } catch (error) {
      notDestroyed[id] = setError(error);
    }
  }
  const orNull = <T extends object>(value: T) => (Object.keys(value).length > 0 ? value : null);
  return {
    accountId: account.id,
    oldState,
    newState: await accountState(call),
    created: orNull(created),
    updated: orNull(updated),
    destroyed: destroyed.length > 0 ? destroyed : null,
    notCreated: orNull(notCreated),
    notUpdated: orNull(notUpdated),
    notDestroyed: orNull(notDestroyed),
  };
}
