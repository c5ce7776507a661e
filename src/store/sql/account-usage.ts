/**
 * Per-account usage (bytes, messages) and the account-wide modification sequence.
 *
 * Implementation notes
 * - Quota is enforced by the same UPDATE that counts the bytes (`used_bytes + size <= limit` in its
 *   WHERE), so concurrent deliveries cannot together exceed the quota: exact under concurrency, no
 *   read-then-write race.
 * - The modseq is taken by an UPDATE … RETURNING inside the caller's transaction: changes of one
 *   account are totally ordered, and the row lock serialises writers of the same account only.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AccountUsage, Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function ensureAccountUsage(db: Db, accountId: string): Promise<void> {
  await db
    .insertInto('account_usage')
    .values({ account_id: accountId, used_bytes: 0, message_count: 0, highest_modseq: 0 })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

export async function findAccountUsage(db: Db, accountId: string): Promise<AccountUsage | undefined> {
  return db.selectFrom('account_usage').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/**
 * Adds a message's bytes if they fit in `quotaBytes`, and takes the next modseq.
 * @returns the new modseq, or undefined when the message does not fit (or the account has no usage row).
 */
export async function chargeMessage(
  db: Db,
  accountId: string,
  sizeBytes: number,
  quotaBytes: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('account_usage')
    .set((eb) => ({
      used_bytes: eb('used_bytes', '+', sizeBytes),
      message_count: eb('message_count', '+', 1),
      highest_modseq: eb('highest_modseq', '+', 1),
    }))
    .where('account_id', '=', accountId)
    .where((eb) => eb(eb('used_bytes', '+', sizeBytes), '<=', quotaBytes))
    .returning('highest_modseq')
    .executeTakeFirst();
  return row?.highest_modseq;
}

/** Takes the next modseq for a change that adds no bytes. */
export async function nextModseq(db: Db, accountId: string): Promise<number> {
  const row = await db
    .updateTable('account_usage')
    .set((eb) => ({ highest_modseq: eb('highest_modseq', '+', 1) }))
    .where('account_id', '=', accountId)
    .returning('highest_modseq')
    .executeTakeFirstOrThrow();
  return row.highest_modseq;
}
