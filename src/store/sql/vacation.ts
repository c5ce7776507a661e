/**
 * Vacation responses (one per account) and the memory of the auto-replies sent.
 *
 * Implementation notes
 * - Every function takes the account id and filters on it.
 * - `claimVacationReply` is one INSERT … ON CONFLICT DO UPDATE … WHERE: two deliveries from the same
 *   sender racing (two MX connections, two nodes) cannot both claim the reply, on SQLite as on
 *   PostgreSQL. Claiming comes before sending: a reply that then fails is not retried within the
 *   period — a missing auto-reply is the lesser harm next to two of them, or a loop.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, VacationResponse } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function findVacationResponse(db: Db, accountId: string): Promise<VacationResponse | undefined> {
  return db
    .selectFrom('vacation_responses')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Creates or replaces the account's vacation response. */
export async function saveVacationResponse(db: Db, row: VacationResponse): Promise<void> {
  const { account_id: _accountId, ...values } = row;
  await db
    .insertInto('vacation_responses')
    .values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
}

/** Forgets to whom the account's auto-replies went (a new vacation message starts afresh). */
export async function forgetVacationReplies(db: Db, accountId: string): Promise<void> {
  await db.deleteFrom('vacation_replies').where('account_id', '=', accountId).execute();
}

/**
 * Records a reply to `sender` at `now` unless one was sent after `now - periodMs`.
 * @returns whether this caller may send the reply.
 */
export async function claimVacationReply(
  db: Db,
  accountId: string,
  sender: string,
  now: number,
  periodMs: number,
): Promise<boolean> {
  const result = await db
    .insertInto('vacation_replies')
    .values({ account_id: accountId, sender: sender.toLowerCase(), last_sent_at: now })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'sender'])
        .doUpdateSet({ last_sent_at: now })
        .where('vacation_replies.last_sent_at', '<=', now - periodMs),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Deletes the account's reply records older than the period: they no longer hold anything back. */
export async function purgeVacationReplies(
  db: Db,
  accountId: string,
  now: number,
  periodMs: number,
): Promise<void> {
  await db
    .deleteFrom('vacation_replies')
    .where('account_id', '=', accountId)
    .where('last_sent_at', '<=', now - periodMs)
    .execute();
}
