/**
 * Sessions repository: web sign-in sessions.
 *
 * Implementation notes
 * - The id is the SHA-256 of the cookie token (computed by the caller): holding the id does not give a
 *   usable cookie, and the cookie itself is the bearer credential, which is why `findSession` and
 *   `touchSession` need no account id.
 * - Tenant rule for everything else: deleting or listing takes the account id and filters on it.
 * - Expiry is data, not a filter: `findSession` returns expired rows and the caller compares
 *   `expires_at` with its clock; `deleteExpiredSessions` purges them (`expires_at <= now`).
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Session, SessionTable } from './schema.js';

export type NewSession = Insertable<SessionTable>;

export interface SessionTouch {
  lastSeenAt: number;
  expiresAt: number;
}

/** @throws a unique violation when the id is taken; a foreign-key violation for an unknown account. */
export async function insertSession(db: Kysely<Database>, row: NewSession): Promise<Session> {
  return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findSession(db: Kysely<Database>, id: string): Promise<Session | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Records activity and slides the expiry. @returns false when the session no longer exists. */
export async function touchSession(db: Kysely<Database>, id: string, touch: SessionTouch): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ last_seen_at: touch.lastSeenAt, expires_at: touch.expiresAt })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends one of the account's sessions. @returns false when the account has no such session. */
export async function deleteSession(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ends every session of the account (password change, disabling). @returns how many were ended. */
export async function deleteAccountSessions(db: Kysely<Database>, accountId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The account's sessions, most recently seen first. */
export async function listAccountSessions(db: Kysely<Database>, accountId: string): Promise<Session[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'asc')
    .execute();
}

/** Purges sessions whose `expires_at` is at or before `now`. @returns how many were purged. */
export async function deleteExpiredSessions(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
