/**
 * Copying and moving messages between an account's mailboxes (IMAP COPY/MOVE, JMAP mailboxIds).
 *
 * Implementation notes
 * - A message may sit in several mailboxes of its account (the JMAP model the store follows): a copy
 *   adds a membership with a new UID in the target, it does not duplicate the message. So a copy
 *   costs no quota and no blob, and the copies share their keywords (JMAP semantics; Gmail and
 *   Fastmail behave alike). `\Deleted` stays per membership and is copied as it is.
 * - Copying into a mailbox that already holds the message answers with the existing UID (COPYUID
 *   must still map every source UID).
 * - One transaction and one modseq per operation; the target's UIDs are allocated in source-UID order
 *   (RFC 4315 COPYUID pairs them in that order). A move removes the source memberships in the same
 *   transaction: the message is never in neither mailbox, nor visible twice after the commit.
 */
import { UserError } from '../../lib/errors/index.js';
import {
  allocateUid,
  type ChangeLogEntry,
  findMailboxById,
  insertMailboxMessage,
  listMailboxMessages,
  nextModseq,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { emailChange, touchMailboxes } from './flags.js';

export interface CopyResult {
  /** The target's UIDVALIDITY, for COPYUID. */
  uidValidity: number;
  /** [source UID, target UID], in source order. */
  pairs: [number, number][];
}

/**
 * Copies (or moves) the messages with these UIDs from one mailbox of the account to another.
 * @throws UserError `mailbox.not_found` when either mailbox is not the account's.
 */
export async function copyMessages(
  ctx: CoreContext,
  accountId: string,
  sourceId: string,
  uids: number[],
  targetId: string,
  move: boolean,
): Promise<CopyResult> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const source = await findMailboxById(trx, accountId, sourceId);
    const target = await findMailboxById(trx, accountId, targetId);
    if (!source || !target) throw new UserError('mailbox.not_found', 'no such mailbox');
    const rows = await listMailboxMessages(trx, accountId, sourceId, uids);
    if (rows.length === 0) return { uidValidity: target.uid_validity, pairs: [], modseq: undefined };
    const modseq = await nextModseq(trx, accountId);
    const existing = await trx
      .selectFrom('mailbox_messages')
      .select(['message_id', 'uid'])
      .where('mailbox_id', '=', targetId)
      .where(
        'message_id',
        'in',
        rows.map((r) => r.message.id),
      )
      .execute();
    const already = new Map(existing.map((e) => [e.message_id, e.uid]));
    const pairs: [number, number][] = [];
    const changes: ChangeLogEntry[] = [];
    for (const row of rows) {
      let targetUid = already.get(row.message.id);
      if (targetUid === undefined && sourceId !== targetId) {
        targetUid = await allocateUid(trx, accountId, targetId, modseq);
        if (targetUid === undefined) throw new UserError('mailbox.not_found', 'no such mailbox');
        await insertMailboxMessage(trx, {
          mailbox_id: targetId,
          uid: targetUid,
          message_id: row.message.id,
          account_id: accountId,
          modseq,
          deleted: row.deleted,
          received_at: row.message.received_at,
        });
        // 'updated', not 'created': the email existed before (JMAP /changes); IMAP sessions see a
        // UID above theirs as an arrival whatever the action.
        changes.push(emailChange(accountId, modseq, row.message.id, targetId, targetUid, 'updated'));
      }
      pairs.push([row.uid, targetUid ?? row.uid]);
      if (move && sourceId !== targetId) {
        await trx
          .deleteFrom('mailbox_messages')
          .where('mailbox_id', '=', sourceId)
          .where('uid', '=', row.uid)
          .execute();
        changes.push(emailChange(accountId, modseq, row.message.id, sourceId, row.uid, 'expunged'));
      }
    }
    await touchMailboxes(trx, accountId, move ? [sourceId, targetId] : [targetId], modseq, changes);
    return { uidValidity: target.uid_validity, pairs, modseq };
  });
  if (outcome.modseq !== undefined) {
    const mailboxIds = move ? [sourceId, targetId] : [targetId];
    ctx.changes.publish({ accountId, mailboxIds, modseq: outcome.modseq });
  }
  return { uidValidity: outcome.uidValidity, pairs: outcome.pairs };
}
