/**
 * Folder management for the web client: create, rename, move and delete mailboxes (JMAP Mailbox/set).
 *
 * Deleting a folder that still holds messages moves them to the Trash first, then deletes the folder:
 * the user can still get a message back, as in Thunderbird, where Roundcube would delete them for
 * good. Subfolders are never deleted along: the server answers mailboxHasChild and the user is told.
 */
import type { JmapClient, MethodArgs } from './jmap-client';

/** A folder change the server refused: `type` is the JMAP SetError type (mailboxHasChild…). */
export class MailboxChangeError extends Error {
  constructor(
    readonly type: string,
    /** The property at fault for invalidProperties ("name", "parentId"). */
    readonly properties: readonly string[],
    description: string,
  ) {
    super(`${type}: ${description}`);
    this.name = 'MailboxChangeError';
  }
}

/** Messages moved to the Trash per request when a folder is deleted (the server allows 500). */
const MOVE_BATCH = 200;

interface SetError {
  type: string;
  description?: string;
  properties?: string[];
}

function firstFailure(response: MethodArgs): SetError | undefined {
  for (const key of ['notCreated', 'notUpdated', 'notDestroyed'] as const) {
    const failed = response[key] as Record<string, SetError> | null | undefined;
    const first = failed ? Object.values(failed)[0] : undefined;
    if (first) return first;
  }
  return undefined;
}

export function createMailboxApi(jmap: JmapClient) {
  const accountId = async () => (await jmap.session()).accountId;

  const setMailboxes = async (args: MethodArgs): Promise<MethodArgs> => {
    const results = await jmap.request([['Mailbox/set', { accountId: await accountId(), ...args }, 's']]);
    const response = results.get('s');
    if (!response) throw new Error('no response for Mailbox/set');
    const failure = firstFailure(response);
    if (failure) {
      throw new MailboxChangeError(failure.type, failure.properties ?? [], failure.description ?? '');
    }
    return response;
  };

  return {
    /** Creates a folder; returns its id. */
    async create(name: string, parentId: string | null): Promise<string> {
      const response = await setMailboxes({ create: { folder: { name, parentId } } });
      const created = response.created as Record<string, { id: string }>;
      const id = created.folder?.id;
      if (!id) throw new Error('Mailbox/set created nothing');
      return id;
    },

    /** Renames and/or moves a folder under another (null: top level). */
    async update(id: string, changes: { name?: string; parentId?: string | null }): Promise<void> {
      await setMailboxes({ update: { [id]: changes } });
    },

    /**
     * Moves the folder's messages to the Trash (in batches: each a query then a move), then deletes
     * it. Returns how many messages were moved.
     */
    async destroy(id: string, trashId: string | null): Promise<number> {
      const account = await accountId();
      let moved = 0;
      if (trashId) {
        for (;;) {
          const results = await jmap.request([
            ['Email/query', { accountId: account, filter: { inMailbox: id }, limit: MOVE_BATCH }, 'q'],
          ]);
          const ids = (results.get('q')?.ids as string[] | undefined) ?? [];
          if (ids.length === 0) break;
          const update = Object.fromEntries(
            ids.map((emailId) => [emailId, { mailboxIds: { [trashId]: true } }]),
          );
          const set = await jmap.request([['Email/set', { accountId: account, update }, 's']]);
          const failure = firstFailure(set.get('s') ?? {});
          if (failure) throw new MailboxChangeError(failure.type, [], failure.description ?? '');
          moved += ids.length;
        }
      }
      // Never onDestroyRemoveEmails: a message that arrived meanwhile makes it mailboxHasEmail, not lost.
      await setMailboxes({ destroy: [id] });
      return moved;
    },
  };
}

export type MailboxApi = ReturnType<typeof createMailboxApi>;
