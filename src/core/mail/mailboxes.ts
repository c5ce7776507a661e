/**
 * Mailboxes of an account and the special-use set every account has (RFC 6154).
 *
 * Implementation notes
 * - Names are the English ones IMAP clients expect; clients and the web client show localized names
 *   from the role (SPECIAL-USE), so a French Thunderbird shows "Corbeille" for `Trash`.
 * - Idempotent: accounts created before the mail store, or a half-finished creation, are completed
 *   on first use. Concurrent calls converge on the unique (account, path) and (account, role) keys.
 * - UIDVALIDITY (RFC 9051 §2.3.1.1) must be a non-zero 32-bit value that changes if a mailbox name is
 *   reused for another mailbox; creation time in seconds does that.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/errors/index.js';
import {
  ensureAccountUsage,
  findMailboxById,
  findMailboxByPath,
  findMailboxByRole,
  insertChanges,
  insertMailbox,
  isUniqueViolation,
  listMailboxes,
  type Mailbox,
  type MailboxRole,
  nextModseq,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { expungeDeleted } from './flags.js';

export const DEFAULT_MAILBOXES: readonly { role: MailboxRole; path: string }[] = [
  { role: 'inbox', path: 'INBOX' },
  { role: 'drafts', path: 'Drafts' },
  { role: 'sent', path: 'Sent' },
  { role: 'archive', path: 'Archive' },
  { role: 'junk', path: 'Junk' },
  { role: 'trash', path: 'Trash' },
];

export function uidValidityAt(now: number): number {
  return Math.max(1, Math.floor(now / 1000) % 0xffff_ffff);
}

export async function ensureDefaultMailboxes(ctx: CoreContext, accountId: string): Promise<Mailbox[]> {
  await ensureAccountUsage(ctx.db, accountId);
  const existing = await listMailboxes(ctx.db, accountId);
  const now = ctx.clock.now();
  for (const [index, spec] of DEFAULT_MAILBOXES.entries()) {
    if (existing.some((m) => m.role === spec.role || m.path === spec.path)) continue;
    try {
      existing.push(
        await insertMailbox(ctx.db, {
          id: randomUUID(),
          account_id: accountId,
          parent_id: null,
          name: spec.path,
          path: spec.path,
          role: spec.role,
          uid_validity: uidValidityAt(now),
          uid_next: 1,
          highest_modseq: 0,
          subscribed: 1,
          sort_order: index,
          created_at: now,
        }),
      );
    } catch (error) {
      // Another process created it between our read and write: theirs is as good as ours.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return listMailboxes(ctx.db, accountId);
}

/** The account's mailbox with this role, created with the defaults if missing. */
export async function mailboxWithRole(
  ctx: CoreContext,
  accountId: string,
  role: MailboxRole,
): Promise<Mailbox> {
  const found = await findMailboxByRole(ctx.db, accountId, role);
  if (found) return found;
  const all = await ensureDefaultMailboxes(ctx, accountId);
  const created = all.find((m) => m.role === role);
  if (!created) throw new Error(`mailbox with role ${role} missing after creation`);
  return created;
}

/** Longest mailbox path we accept: deep trees and huge names are abuse, not organisation. */
export const MAX_MAILBOX_PATH_LENGTH = 512;
export const MAX_MAILBOX_DEPTH = 16;

/**
 * The mailbox at `path` (`/`-separated), created with its missing parents. `INBOX` in any case is
 * the Inbox (RFC 9051 §5.1).
 * @throws UserError `mailbox.invalid_name`
 */
export async function ensureMailboxPath(
  ctx: CoreContext,
  accountId: string,
  input: string,
): Promise<Mailbox> {
  validateMailboxPath(input);
  const parts = input.split('/');
  if (parts[0]?.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  const all = await ensureDefaultMailboxes(ctx, accountId);
  let parent: Mailbox | undefined;
  for (let depth = 1; depth <= parts.length; depth++) {
    const path = parts.slice(0, depth).join('/');
    let mailbox = all.find((m) => m.path === path) ?? (await findMailboxByPath(ctx.db, accountId, path));
    if (!mailbox) {
      try {
        const parentId = parent?.id ?? null;
        const name = parts[depth - 1] as string;
        // Logged like any change, so JMAP /changes and push tell of folders created over IMAP too.
        const created = await ctx.db.transaction().execute(async (trx) => {
          const modseq = await nextModseq(trx, accountId);
          const row = await insertMailbox(trx, {
            id: randomUUID(),
            account_id: accountId,
            parent_id: parentId,
            name,
            path,
            role: null,
            uid_validity: uidValidityAt(ctx.clock.now()),
            uid_next: 1,
            highest_modseq: 0,
            subscribed: 1,
            sort_order: 100,
            created_at: ctx.clock.now(),
          });
          await insertChanges(trx, [mailboxChange(accountId, modseq, row.id, 'created')]);
          return { row, modseq };
        });
        ctx.changes.publish({ accountId, mailboxIds: [created.row.id], modseq: created.modseq });
        mailbox = created.row;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        mailbox = await findMailboxByPath(ctx.db, accountId, path);
        if (!mailbox) throw error;
      }
    }
    parent = mailbox;
  }
  return parent as Mailbox;
}

/**
 * Creates a mailbox at `path` (and its missing parents).
 * @throws UserError `mailbox.exists`, `mailbox.invalid_name`
 */
export async function createMailbox(ctx: CoreContext, accountId: string, path: string): Promise<Mailbox> {
  const normalised = path.split('/')[0]?.toUpperCase() === 'INBOX' ? `INBOX${path.slice(5)}` : path;
  if (await findMailboxByPath(ctx.db, accountId, normalised)) {
    throw new UserError('mailbox.exists', `folder "${path}" already exists`);
  }
  return ensureMailboxPath(ctx, accountId, path);
}

/**
 * Deletes a folder and the messages only it holds (their bytes leave the quota).
 * @throws UserError `mailbox.protected` for the special-use folders, `mailbox.has_children`
 *   when subfolders exist (delete them first), `mailbox.not_found`.
 */
export async function deleteMailbox(ctx: CoreContext, accountId: string, mailboxId: string): Promise<void> {
  const mailbox = await findMailboxById(ctx.db, accountId, mailboxId);
  if (!mailbox) throw new UserError('mailbox.not_found', 'no such mailbox');
  if (mailbox.role)
    throw new UserError('mailbox.protected', `"${mailbox.path}" is a special folder and stays`);
  const all = await listMailboxes(ctx.db, accountId);
  if (all.some((m) => m.parent_id === mailbox.id)) {
    throw new UserError('mailbox.has_children', `"${mailbox.path}" has subfolders`);
  }
  // Expunging everything first keeps the quota and the other mailboxes' counts exact.
  await ctx.db
    .updateTable('mailbox_messages')
    .set({ deleted: 1 })
    .where('account_id', '=', accountId)
    .where('mailbox_id', '=', mailboxId)
    .execute();
  await expungeDeleted(ctx, accountId, mailboxId);
  const modseq = await ctx.db.transaction().execute(async (trx) => {
    const modseq = await nextModseq(trx, accountId);
    await trx
      .deleteFrom('mailboxes')
      .where('account_id', '=', accountId)
      .where('id', '=', mailboxId)
      .execute();
    await insertChanges(trx, [mailboxChange(accountId, modseq, mailboxId, 'destroyed')]);
    return modseq;
  });
  ctx.changes.publish({ accountId, mailboxIds: [], modseq });
}

function mailboxChange(
  accountId: string,
  modseq: number,
  mailboxId: string,
  action: 'created' | 'updated' | 'destroyed',
) {
  return {
    account_id: accountId,
    modseq,
    kind: 'mailbox' as const,
    object_id: mailboxId,
    action,
    mailbox_id: null,
    uid: null,
  };
}

/**
 * Renames a folder, moving its subfolders with it; missing parents of the new path are created.
 * @throws UserError `mailbox.protected` (the Inbox), `mailbox.exists`, `mailbox.invalid_name`,
 *   `mailbox.not_found`.
 */
export async function renameMailbox(
  ctx: CoreContext,
  accountId: string,
  mailboxId: string,
  newPath: string,
): Promise<void> {
  const mailbox = await findMailboxById(ctx.db, accountId, mailboxId);
  if (!mailbox) throw new UserError('mailbox.not_found', 'no such mailbox');
  if (mailbox.role === 'inbox') throw new UserError('mailbox.protected', 'the Inbox cannot be renamed');
  if (newPath.toUpperCase() === 'INBOX') throw new UserError('mailbox.exists', 'INBOX already exists');
  if (await findMailboxByPath(ctx.db, accountId, newPath)) {
    throw new UserError('mailbox.exists', `folder "${newPath}" already exists`);
  }
  if (newPath.startsWith(`${mailbox.path}/`)) {
    throw new UserError('mailbox.invalid_name', 'a folder cannot move into itself');
  }
  validateMailboxPath(newPath);
  const slash = newPath.lastIndexOf('/');
  const parent = slash > 0 ? await ensureMailboxPath(ctx, accountId, newPath.slice(0, slash)) : null;
  const all = await listMailboxes(ctx.db, accountId);
  const renamed = await ctx.db.transaction().execute(async (trx) => {
    const modseq = await nextModseq(trx, accountId);
    const changes = [];
    for (const box of all) {
      if (box.id !== mailbox.id && !box.path.startsWith(`${mailbox.path}/`)) continue;
      const path = newPath + box.path.slice(mailbox.path.length);
      await trx
        .updateTable('mailboxes')
        .set({
          path,
          name: path.slice(path.lastIndexOf('/') + 1),
          ...(box.id === mailbox.id ? { parent_id: parent?.id ?? null } : {}),
        })
        .where('account_id', '=', accountId)
        .where('id', '=', box.id)
        .execute();
      changes.push(mailboxChange(accountId, modseq, box.id, 'updated'));
    }
    await insertChanges(trx, changes);
    return modseq;
  });
  ctx.changes.publish({ accountId, mailboxIds: [], modseq: renamed });
}

export async function setSubscribed(
  ctx: CoreContext,
  accountId: string,
  mailboxId: string,
  subscribed: boolean,
): Promise<void> {
  const modseq = await ctx.db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('mailboxes')
      .set({ subscribed: subscribed ? 1 : 0 })
      .where('account_id', '=', accountId)
      .where('id', '=', mailboxId)
      .where('subscribed', '=', subscribed ? 0 : 1)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return undefined;
    const modseq = await nextModseq(trx, accountId);
    await insertChanges(trx, [mailboxChange(accountId, modseq, mailboxId, 'updated')]);
    return modseq;
  });
  if (modseq !== undefined) ctx.changes.publish({ accountId, mailboxIds: [], modseq });
}

function validateMailboxPath(input: string): void {
  const parts = input.split('/');
  if (
    input.length === 0 ||
    input.length > MAX_MAILBOX_PATH_LENGTH ||
    parts.length > MAX_MAILBOX_DEPTH ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    parts.some((p) => p.trim().length === 0 || p !== p.trim() || /[\u0000-\u001f\u007f*%]/.test(p))
  ) {
    throw new UserError('mailbox.invalid_name', `"${input}" is not a valid folder name`);
  }
}
