/**
 * Pending sign-ins and trusted devices repository (migration 0015).
 *
 * Implementation notes
 * - `countPendingFailure` increments in the statement and reads back: two wrong codes racing both
 *   count. The caller drops the record once the limit is reached.
 * - Expired records are swept when a new one is made, so the table stays the size of the sign-ins
 *   in progress.
 */
import type { Kysely } from 'kysely';
import type { Database, PendingSignIn, PendingSignInPurpose } from './schema.js';

export interface NewPendingSignIn {
  id: string;
  accountId: string;
  purpose: PendingSignInPurpose;
  deviceHash: string;
  now: number;
  expiresAt: number;
}

export async function insertPendingSignIn(db: Kysely<Database>, pending: NewPendingSignIn): Promise<void> {
  await db.deleteFrom('pending_sign_ins').where('expires_at', '<=', pending.now).execute();
  await db
    .insertInto('pending_sign_ins')
    .values({
      id: pending.id,
      account_id: pending.accountId,
      purpose: pending.purpose,
      device_hash: pending.deviceHash,
      created_at: pending.now,
      expires_at: pending.expiresAt,
      failures: 0,
      challenge: null,
    })
    .execute();
}

/** The live pending sign-in of this id, if any. */
export async function findPendingSignIn(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<PendingSignIn | undefined> {
  return db
    .selectFrom('pending_sign_ins')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function setPendingChallenge(
  db: Kysely<Database>,
  id: string,
  challenge: string | null,
): Promise<void> {
  await db.updateTable('pending_sign_ins').set({ challenge }).where('id', '=', id).execute();
}

/** Counts one wrong second step. @returns the failures so far. */
export async function countPendingFailure(db: Kysely<Database>, id: string): Promise<number> {
  await db
    .updateTable('pending_sign_ins')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id', '=', id)
    .execute();
  const row = await db
    .selectFrom('pending_sign_ins')
    .select('failures')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.failures ?? Number.MAX_SAFE_INTEGER;
}

/** Ends a pending sign-in. @returns false when it was already gone (spent by a racing request). */
export async function deletePendingSignIn(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('pending_sign_ins').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deletePendingSignInsOf(db: Kysely<Database>, accountId: string): Promise<void> {
  await db.deleteFrom('pending_sign_ins').where('account_id', '=', accountId).execute();
}

/** Whether the device skips the second step of this account's sign-in at `now`. */
export async function isDeviceTrusted(
  db: Kysely<Database>,
  accountId: string,
  deviceHash: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('known_devices')
    .select('trusted_until')
    .where('account_id', '=', accountId)
    .where('device_hash', '=', deviceHash)
    .executeTakeFirst();
  return row?.trusted_until != null && row.trusted_until > now;
}

/** Trusts a device the account has signed in from (recordDevice made its row) until `until`. */
export async function trustDevice(
  db: Kysely<Database>,
  accountId: string,
  deviceHash: string,
  until: number,
): Promise<void> {
  await db
    .updateTable('known_devices')
    .set({ trusted_until: until })
    .where('account_id', '=', accountId)
    .where('device_hash', '=', deviceHash)
    .execute();
}

/** @returns how many devices were trusted. */
export async function forgetTrustedDevices(db: Kysely<Database>, accountId: string): Promise<number> {
  const result = await db
    .updateTable('known_devices')
    .set({ trusted_until: null })
    .where('account_id', '=', accountId)
    .where('trusted_until', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countTrustedDevices(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<number> {
  const row = await db
    .selectFrom('known_devices')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('trusted_until', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
