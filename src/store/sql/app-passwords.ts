/**
 * App passwords repository (migration 0010).
 *
 * Implementation notes
 * - Tenant rule: listing, revoking and matching for a sign-in take the account id and filter on it.
 *   `findAppPasswordByHash` does not: a JMAP bearer token is its own credential (like a session
 *   cookie), and its hash is unique.
 * - `touchAppPassword` writes only when the last recorded use is older than `minIntervalMs`, in the
 *   statement itself, so concurrent connections of one client do not all write.
 */
import type { Insertable, Kysely } from 'kysely';
import type { AppPassword, AppPasswordProtocol, AppPasswordTable, Database } from './schema.js';

export type NewAppPassword = Insertable<AppPasswordTable>;

/** @throws a unique violation when the hash is taken (never in practice: the secret is random). */
export async function insertAppPassword(db: Kysely<Database>, row: NewAppPassword): Promise<AppPassword> {
  return db.insertInto('app_passwords').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The account's app passwords, newest first. */
export async function listAppPasswords(db: Kysely<Database>, accountId: string): Promise<AppPassword[]> {
  return db
    .selectFrom('app_passwords')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'asc')
    .execute();
}

export async function countAppPasswords(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('app_passwords')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findAppPasswordByHash(
  db: Kysely<Database>,
  secretHash: string,
): Promise<AppPassword | undefined> {
  return db.selectFrom('app_passwords').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

/** Deletes one of the account's app passwords. @returns it, or undefined when the account has none such. */
export async function deleteAppPassword(
  db: Kysely<Database>,
  accountId: string,
  id: string,
): Promise<AppPassword | undefined> {
  return db
    .deleteFrom('app_passwords')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes every app password of the account. @returns how many were deleted. */
export async function deleteAccountAppPasswords(db: Kysely<Database>, accountId: string): Promise<number> {
  const result = await db.deleteFrom('app_passwords').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Records a use unless one was recorded less than `minIntervalMs` ago.
 * @returns true when this call wrote (the first use in the interval).
 */
export async function touchAppPassword(
  db: Kysely<Database>,
  id: string,
  use: { at: number; protocol: AppPasswordProtocol; minIntervalMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('app_passwords')
    .set({ last_used_at: use.at, last_used_protocol: use.protocol })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', use.at - use.minIntervalMs)]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
