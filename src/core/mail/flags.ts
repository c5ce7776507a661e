/**
 * Changing message flags and expunging, for IMAP STORE/EXPUNGE and later JMAP Email/set.
 *
 * Implementation notes
 * - Keywords are JMAP's (RFC 8621 §4.1.1): lower case, `$seen`, `$flagged`, `$answered`, `$draft`
 *   kept as columns, the others in the JSON list. They belong to the message, so a change shows in
 *   every mailbox holding it; `\Deleted` belongs to one membership (IMAP EXPUNGE acts per mailbox).
 * - One operation is one transaction and one modseq (RFC 7162 §3.1 allows messages changed together
 *   to share it); unchanged messages keep theirs, so CONDSTORE clients refetch only what moved.
 *   Every touched mailbox gets the modseq as its highest, and `change_log` records each change for
 *   other sessions, QRESYNC and JMAP `/changes`.
 * - Expunge removes the membership; a message left in no mailbox of its account is destroyed and its
 *   bytes leave the quota. The shared body and blob stay: other accounts may hold them, and garbage
 *   collection of unreferenced bodies is a separate job.
 */
import type { Transaction } from 'kysely';
import {
  type ChangeLogEntry,
  type Database,
  insertChanges,
  listMailboxMessages,
  type Message,
  nextModseq,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export const SYSTEM_KEYWORDS = ['$seen', '$flagged', '$answered', '$draft'] as const;

export interface FlagChange {
  mode: 'add' | 'remove' | 'replace';
  /** Lower-case JMAP keywords, system ones included (`$seen`). */
  keywords: string[];
  /** `\Deleted` on the membership: set by add/replace when true, cleared by remove/replace. */
  deleted: boolean;
  /**
   * CONDSTORE UNCHANGEDSINCE (RFC 7162 §3.1.3): messages whose modseq is above it are left alone and
   * reported `modified`.
   */
  unchangedSince?: number;
}

export interface FlagResult {
  uid: number;
  messageId: string;
  /** The message's modseq after the operation (unchanged messages keep theirs). */
  modseq: number;
  changed: boolean;
  /** Refused by `unchangedSince`: changed by someone else since. */
  modified?: boolean;
}

/** Applies `change` to the messages with these UIDs in the mailbox; UIDs not there are skipped. */
export async function changeFlags(
  ctx: CoreContext,
  accountId: string,
  mailboxId: string,
  uids: number[],
  change: FlagChange,
): Promise<FlagResult[]> {
  if (uids.length === 0) return [];
  const results = await ctx.db.transaction().execute(async (trx) => {
    const rows = await listMailboxMessages(trx, accountId, mailboxId, uids);
    const results: FlagResult[] = [];
    let modseq: number | undefined;
    const touchedMailboxes = new Set<string>();
    const changes: ChangeLogEntry[] = [];
    for (const row of rows) {
      const current = Math.max(row.modseq, row.message.modseq);
      if (change.unchangedSince !== undefined && current > change.unchangedSince) {
        results.push({
          uid: row.uid,
          messageId: row.message.id,
          modseq: current,
          changed: false,
          modified: true,
        });
        continue;
      }
      const before = keywordsOf(row.message);
      const after = applyChange(before, change);
      const deletedAfter = deletedAfterChange(row.deleted === 1, change);
      const keywordsChanged = before.join(' ') !== after.join(' ');
      const deletedChanged = deletedAfter !== (row.deleted === 1);
      if (!keywordsChanged && !deletedChanged) {
        results.push({ uid: row.uid, messageId: row.message.id, modseq: current, changed: false });
        continue;
      }
      modseq ??= await nextModseq(trx, accountId);
      if (keywordsChanged) {
        await writeKeywords(trx, accountId, row.message.id, after, modseq);
        // The message's other mailboxes see the change too.
        const memberships = await trx
          .selectFrom('mailbox_messages')
          .select(['mailbox_id', 'uid'])
          .where('account_id', '=', accountId)
          .where('message_id', '=', row.message.id)
          .execute();
        for (const m of memberships) {
          touchedMailboxes.add(m.mailbox_id);
          changes.push(emailChange(accountId, modseq, row.message.id, m.mailbox_id, m.uid, 'updated'));
        }
      }
      if (deletedChanged) {
        await trx
          .updateTable('mailbox_messages')
          .set({ deleted: deletedAfter ? 1 : 0, modseq })
          .where('mailbox_id', '=', mailboxId)
          .where('uid', '=', row.uid)
          .execute();
        touchedMailboxes.add(mailboxId);
        if (!keywordsChanged) {
          changes.push(emailChange(accountId, modseq, row.message.id, mailboxId, row.uid, 'updated'));
        }
      }
      results.push({ uid: row.uid, messageId: row.message.id, modseq, changed: true });
    }
    if (modseq !== undefined) await touchMailboxes(trx, accountId, [...touchedMailboxes], modseq, changes);
    return { results, modseq, mailboxIds: [...touchedMailboxes] };
  });
  if (results.modseq !== undefined) {
    ctx.changes.publish({ accountId, mailboxIds: results.mailboxIds, modseq: results.modseq });
  }
  return results.results;
}

/**
 * Removes from the mailbox the messages marked `\Deleted` (all of them, or only those with these
 * UIDs: UID EXPUNGE). @returns the UIDs removed, ascending.
 */
export async function expungeDeleted(
  ctx: CoreContext,
  accountId: string,
  mailboxId: string,
  onlyUids?: number[],
): Promise<number[]> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('mailbox_messages')
      .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
      .select(['mailbox_messages.uid', 'mailbox_messages.message_id', 'messages.size'])
      .where('mailbox_messages.account_id', '=', accountId)
      .where('mailbox_messages.mailbox_id', '=', mailboxId)
      .where('mailbox_messages.deleted', '=', 1)
      .orderBy('mailbox_messages.uid');
    if (onlyUids) {
      if (onlyUids.length === 0) return { uids: [] as number[], modseq: undefined };
      query = query.where('mailbox_messages.uid', 'in', onlyUids);
    }
    const doomed = await query.execute();
    if (doomed.length === 0) return { uids: [] as number[], modseq: undefined };
    const modseq = await nextModseq(trx, accountId);
    const changes: ChangeLogEntry[] = [];
    let freedBytes = 0;
    let destroyed = 0;
    for (const row of doomed) {
      await trx
        .deleteFrom('mailbox_messages')
        .where('mailbox_id', '=', mailboxId)
        .where('uid', '=', row.uid)
        .execute();
      changes.push(emailChange(accountId, modseq, row.message_id, mailboxId, row.uid, 'expunged'));
      const elsewhere = await trx
        .selectFrom('mailbox_messages')
        .select('uid')
        .where('message_id', '=', row.message_id)
        .limit(1)
        .executeTakeFirst();
      if (!elsewhere) {
        await trx.deleteFrom('messages').where('id', '=', row.message_id).execute();
        changes.push(emailChange(accountId, modseq, row.message_id, null, null, 'destroyed'));
        freedBytes += row.size;
        destroyed++;
      }
    }
    if (destroyed > 0) {
      await trx
        .updateTable('account_usage')
        .set((eb) => ({
          used_bytes: eb('used_bytes', '-', freedBytes),
          message_count: eb('message_count', '-', destroyed),
        }))
        .where('account_id', '=', accountId)
        .execute();
    }
    await touchMailboxes(trx, accountId, [mailboxId], modseq, changes);
    return { uids: doomed.map((r) => r.uid), modseq };
  });
  if (outcome.modseq !== undefined) {
    await ctx.search.remove(accountId, await destroyedIds(ctx, accountId, outcome.modseq));
    ctx.changes.publish({ accountId, mailboxIds: [mailboxId], modseq: outcome.modseq });
  }
  return outcome.uids;
}

async function destroyedIds(ctx: CoreContext, accountId: string, modseq: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('change_log')
    .select('object_id')
    .where('account_id', '=', accountId)
    .where('modseq', '=', modseq)
    .where('kind', '=', 'email')
    .where('action', '=', 'destroyed')
    .execute();
  return rows.map((r) => r.object_id);
}

export async function touchMailboxes(
  trx: Transaction<Database>,
  accountId: string,
  mailboxIds: string[],
  modseq: number,
  changes: ChangeLogEntry[],
): Promise<void> {
  for (const mailboxId of mailboxIds) {
    await trx
      .updateTable('mailboxes')
      .set({ highest_modseq: modseq })
      .where('account_id', '=', accountId)
      .where('id', '=', mailboxId)
      .execute();
    changes.push({
      account_id: accountId,
      modseq,
      kind: 'mailbox',
      object_id: mailboxId,
      action: 'updated',
      mailbox_id: null,
      uid: null,
    });
  }
  await insertChanges(trx, changes);
}

export function emailChange(
  accountId: string,
  modseq: number,
  messageId: string,
  mailboxId: string | null,
  uid: number | null,
  action: ChangeLogEntry['action'],
): ChangeLogEntry {
  return {
    account_id: accountId,
    modseq,
    kind: 'email',
    object_id: messageId,
    action,
    mailbox_id: mailboxId,
    uid,
  };
}

/** The message's keywords, system ones included, sorted. */
export function keywordsOf(
  message: Pick<Message, 'seen' | 'flagged' | 'answered' | 'draft' | 'keywords'>,
): string[] {
  const list: string[] = [];
  if (message.seen) list.push('$seen');
  if (message.flagged) list.push('$flagged');
  if (message.answered) list.push('$answered');
  if (message.draft) list.push('$draft');
  try {
    const others: unknown = JSON.parse(message.keywords);
    if (Array.isArray(others)) for (const k of others) if (typeof k === 'string') list.push(k.toLowerCase());
  } catch {
    // A corrupt list reads as empty; the next change rewrites it.
  }
  return [...new Set(list)].sort();
}

function applyChange(before: string[], change: FlagChange): string[] {
  const wanted = change.keywords.map((k) => k.toLowerCase());
  if (change.mode === 'replace') return [...new Set(wanted)].sort();
  if (change.mode === 'add') return [...new Set([...before, ...wanted])].sort();
  const removed = new Set(wanted);
  return before.filter((k) => !removed.has(k));
}

function deletedAfterChange(before: boolean, change: FlagChange): boolean {
  if (change.mode === 'replace') return change.deleted;
  if (change.mode === 'add') return before || change.deleted;
  return before && !change.deleted;
}

/** Stores a message's new keywords with the modseq of the change. */
export async function writeKeywords(
  trx: Transaction<Database>,
  accountId: string,
  messageId: string,
  keywords: string[],
  modseq: number,
): Promise<void> {
  await trx
    .updateTable('messages')
    .set({ ...keywordColumns(keywords), modseq })
    .where('account_id', '=', accountId)
    .where('id', '=', messageId)
    .execute();
}

function keywordColumns(keywords: string[]) {
  const set = new Set(keywords);
  const others = keywords.filter((k) => !(SYSTEM_KEYWORDS as readonly string[]).includes(k));
  return {
    seen: set.has('$seen') ? 1 : 0,
    flagged: set.has('$flagged') ? 1 : 0,
    answered: set.has('$answered') ? 1 : 0,
    draft: set.has('$draft') ? 1 : 0,
    keywords: JSON.stringify(others),
  };
}
