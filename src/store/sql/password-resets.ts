/**
 * Password-reset links repository (migration 0016).
 *
 * Implementation notes
 * - Rows hold the SHA-256 of a link's token, never the token.
 * - `replacePasswordReset` deletes the account's earlier links and inserts the new one in one
 *   transaction: a later request always voids the earlier links, even when two race.
 * - `spendPasswordReset` is a conditional update (unused and not expired) in one statement, so a
 *   link used twice at once is accepted once.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, PasswordReset, PasswordResetTable } from './schema.js';

export type NewPasswordReset = Insertable<PasswordResetTable>;

/** Stores a new link for the account and voids every earlier one of that account. */
export async function replacePasswordReset(db: Kysely<Database>, row: NewPasswordReset): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('password_resets').where('account_id', '=', row.account_id).execute();
    await trx.insertInto('password_resets').values(row).execute();
  });
}

/** The link with this token hash, spent or not, expired or not; undefined when there is none. */
export async function findPasswordReset(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<PasswordReset | undefined> {
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks the link used, if it is still usable at `now` (unused, not expired).
 * @returns the spent row, or undefined when the link was unknown, used, replaced or expired.
 */
export async function spendPasswordReset(
  db: Kysely<Database>,
  tokenHash: string,
  now: number,
): Promise<PasswordReset | undefined> {
  return db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes links expired before `now`, used or not. @returns how many. */
export async function purgeExpiredPasswordResets(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('password_resets').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
