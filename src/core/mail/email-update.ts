/**
 * Setting an email's keywords and mailboxes as wholes (JMAP Email/set update, the webmail's "mark
 * read", "flag", "move to", "archive"): the message moves between mailboxes without being copied.
 *
 * Implementation notes
 * - All updates of a call share one transaction and one modseq, like IMAP STORE and COPY; an email
 *   that cannot be updated (not the account's, no mailbox left, a mailbox not the account's, an
 *   invalid keyword) gets its own error and the others go through.
 * - Keywords belong to the message (shown in all its mailboxes); joining a mailbox takes a new UID
 *   there, logged `updated` with it (IMAP sessions of that mailbox see an arrival), leaving one is
 *   `expunged` there. Membership `\Deleted` is IMAP's alone: a new membership starts without it.
 * - An email must stay in at least one mailbox (RFC 8621 §4.1.1): destroying one is another
 *   operation, which also releases its quota.
 */

import type { Transaction } from 'kysely';
import { UserError } from '../../lib/errors/index.js';
import {
  allocateUid,
  type ChangeLogEntry,
  type Database,
  findMessagesOfAccount,
  insertMailboxMessage,
  listMailboxes,
  nextModseq,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { emailChange, keywordsOf, touchMailboxes, writeKeywords } from './flags.js';

export interface EmailUpdate {
  /** The whole new set of keywords (JMAP form, any case), when it changes. */
  keywords?: readonly string[];
  /** The whole new set of mailbox ids, when it changes. */
  mailboxIds?: readonly string[];
}

export type EmailUpdateResult = { ok: true } | { ok: false; error: UserError };

/** RFC 8621 §4.1.1 keyword: 1–255 of %x21-7E except ( ) { ] % * " \ */
const KEYWORD = /^[!#$&'+,\-./0-9:;<=>?@A-Z[^_`a-z|}~]{1,255}$/;

/** Whether `text` may be a keyword (any case). */
export function isKeyword(text: string): boolean {
  return KEYWORD.test(text);
}

export async function updateEmails(
  ctx: CoreContext,
  accountId: string,
  updates: ReadonlyMap<string, EmailUpdate>,
): Promise<Map<string, EmailUpdateResult>> {
  const ids = [...updates.keys()];
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const results = new Map<string, EmailUpdateResult>();
    const ownBoxes = new Set((await listMailboxes(trx, accountId)).map((box) => box.id));
    const messages = new Map((await findMessagesOfAccount(trx, accountId, ids)).map((m) => [m.id, m]));
    const memberships =
      ids.length === 0
        ? []
        : await trx
            .selectFrom('mailbox_messages')
            .select(['message_id', 'mailbox_id', 'uid'])
            .where('account_id', '=', accountId)
            .where('message_id', 'in', ids)
            .execute();
    const changes: ChangeLogEntry[] = [];
    const touched = new Set<string>();
    let modseq: number | undefined;
    for (const [id, update] of updates) {
      const message = messages.get(id);
      const refuse = (code: string, text: string) =>
        results.set(id, { ok: false, error: new UserError(code, text) });
      if (!message) {
        refuse('email.not_found', 'no such email');
        continue;
      }
      if (update.keywords && !update.keywords.every(isKeyword)) {
        refuse('email.invalid_keyword', 'a keyword has a character keywords may not have');
        continue;
      }
      if (update.mailboxIds && update.mailboxIds.length === 0) {
        refuse('email.no_mailbox', 'an email must stay in at least one mailbox');
        continue;
      }
      if (update.mailboxIds && !update.mailboxIds.every((box) => ownBoxes.has(box))) {
        refuse('mailbox.not_found', 'no such mailbox');
        continue;
      }
      const current = memberships.filter((m) => m.message_id === id);
      const before = keywordsOf(message);
      const after = update.keywords
        ? [...new Set(update.keywords.map((k) => k.toLowerCase()))].sort()
        : before;
      const keywordsChanged = after.join(' ') !== before.join(' ');
      const wanted = new Set(update.mailboxIds ?? current.map((m) => m.mailbox_id));
      const added = [...wanted].filter((box) => !current.some((m) => m.mailbox_id === box));
      const removed = current.filter((m) => !wanted.has(m.mailbox_id));
      results.set(id, { ok: true });
      if (!keywordsChanged && added.length === 0 && removed.length === 0) continue;
      modseq ??= await nextModseq(trx, accountId);
      if (keywordsChanged) {
        await writeKeywords(trx, accountId, id, after, modseq);
        for (const m of current.filter((m) => wanted.has(m.mailbox_id))) {
          changes.push(emailChange(accountId, modseq, id, m.mailbox_id, m.uid, 'updated'));
          touched.add(m.mailbox_id);
        }
      }
      for (const box of added) {
        const uid = await allocateUid(trx, accountId, box, modseq);
        if (uid === undefined) throw new UserError('mailbox.not_found', 'no such mailbox');
        await insertMailboxMessage(trx, {
          mailbox_id: box,
          uid,
          message_id: id,
          account_id: accountId,
          modseq,
          deleted: 0,
          received_at: message.received_at,
        });
        changes.push(emailChange(accountId, modseq, id, box, uid, 'updated'));
        touched.add(box);
      }
      for (const m of removed) await leave(trx, accountId, modseq, id, m, changes, touched);
    }
    if (modseq !== undefined) await touchMailboxes(trx, accountId, [...touched], modseq, changes);
    return { results, modseq, touched: [...touched] };
  });
  if (outcome.modseq !== undefined) {
    ctx.changes.publish({ accountId, mailboxIds: outcome.touched, modseq: outcome.modseq });
  }
  return outcome.results;
}

/**
 * Destroys these emails of the account (JMAP Email/set destroy, "empty Trash", "delete forever"):
 * every mailbox membership, the message, its search entry, and its bytes from the quota, in one
 * transaction and one modseq. @returns the ids destroyed (the others were not the account's).
 */
export async function destroyEmails(
  ctx: CoreContext,
  accountId: string,
  ids: readonly string[],
): Promise<string[]> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const messages = await findMessagesOfAccount(trx, accountId, ids);
    if (messages.length === 0)
      return { destroyed: [] as string[], modseq: undefined, touched: [] as string[] };
    const modseq = await nextModseq(trx, accountId);
    const changes: ChangeLogEntry[] = [];
    const touched = new Set<string>();
    let freedBytes = 0;
    for (const message of messages) {
      const memberships = await trx
        .selectFrom('mailbox_messages')
        .select(['mailbox_id', 'uid'])
        .where('account_id', '=', accountId)
        .where('message_id', '=', message.id)
        .execute();
      for (const m of memberships) await leave(trx, accountId, modseq, message.id, m, changes, touched);
      await trx
        .deleteFrom('messages')
        .where('account_id', '=', accountId)
        .where('id', '=', message.id)
        .execute();
      changes.push(emailChange(accountId, modseq, message.id, null, null, 'destroyed'));
      freedBytes += message.size;
    }
    await trx
      .updateTable('account_usage')
      .set((eb) => ({
        used_bytes: eb('used_bytes', '-', freedBytes),
        message_count: eb('message_count', '-', messages.length),
      }))
      .where('account_id', '=', accountId)
      .execute();
    await touchMailboxes(trx, accountId, [...touched], modseq, changes);
    return { destroyed: messages.map((m) => m.id), modseq, touched: [...touched] };
  });
  if (outcome.modseq !== undefined) {
    await ctx.search.remove(accountId, outcome.destroyed);
    ctx.changes.publish({ accountId, mailboxIds: outcome.touched, modseq: outcome.modseq });
  }
  return outcome.destroyed;
}

/** Removes one membership of a message, logged `expunged` in that mailbox. */
async function leave(
  trx: Transaction<Database>,
  accountId: string,
  modseq: number,
  messageId: string,
  membership: { mailbox_id: string; uid: number },
  changes: ChangeLogEntry[],
  touched: Set<string>,
): Promise<void> {
  await trx
    .deleteFrom('mailbox_messages')
    .where('mailbox_id', '=', membership.mailbox_id)
    .where('uid', '=', membership.uid)
    .execute();
  changes.push(emailChange(accountId, modseq, messageId, membership.mailbox_id, membership.uid, 'expunged'));
  touched.add(membership.mailbox_id);
}
