/**
 * Passkeys repository (migration 0017): WebAuthn credentials and pending registration challenges.
 *
 * Implementation notes
 * - Tenant rule: every statement names the account, including the lookup by credential id made
 *   during a sign-in, so a credential of another account is never found (nor updated) for this one.
 * - `takePasskeyChallenge` deletes and returns in one statement: two requests racing with one
 *   challenge cannot both get it.
 * - `recordPasskeyUse` writes the new counter only if the stored one is still the one the signature
 *   was checked against, so two sign-ins racing with one authenticator cannot both move it.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Passkey, PasskeyChallengeTable, PasskeyTable } from './schema.js';

export type NewPasskey = Insertable<PasskeyTable>;

/** @throws a unique violation when the credential id is taken (the same authenticator registered twice). */
export async function insertPasskey(db: Kysely<Database>, row: NewPasskey): Promise<Passkey> {
  return db.insertInto('passkeys').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The account's passkeys, oldest first (the order they were added in). */
export async function listPasskeyRows(db: Kysely<Database>, accountId: string): Promise<Passkey[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function countPasskeys(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findPasskeyByCredentialId(
  db: Kysely<Database>,
  accountId: string,
  credentialId: string,
): Promise<Passkey | undefined> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
}

/** @returns the renamed passkey, or undefined when the account has none with this id. */
export async function renamePasskeyRow(
  db: Kysely<Database>,
  accountId: string,
  id: string,
  name: string,
): Promise<Passkey | undefined> {
  return db
    .updateTable('passkeys')
    .set({ name })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** @returns the deleted passkey, or undefined when the account has none with this id. */
export async function deletePasskey(
  db: Kysely<Database>,
  accountId: string,
  id: string,
): Promise<Passkey | undefined> {
  return db
    .deleteFrom('passkeys')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Records a verified sign-in: the new counter, the backup state, the time.
 * @returns false when the stored counter is no longer `previousCounter` (a concurrent use won).
 */
export async function recordPasskeyUse(
  db: Kysely<Database>,
  accountId: string,
  id: string,
  use: { previousCounter: number; counter: number; backedUp: boolean; at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('counter', '=', use.previousCounter)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Saves the account's pending registration challenge, replacing any earlier one. */
export async function savePasskeyChallenge(db: Kysely<Database>, row: PasskeyChallengeTable): Promise<void> {
  await db
    .insertInto('passkey_challenges')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ challenge: row.challenge, created_at: row.created_at, expires_at: row.expires_at }),
    )
    .execute();
}

/** Removes and returns the account's pending challenge if it has not expired at `now`. */
export async function takePasskeyChallenge(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('passkey_challenges')
    .where('account_id', '=', accountId)
    .returning(['challenge', 'expires_at'])
    .executeTakeFirst();
  return row && Number(row.expires_at) > now ? row.challenge : undefined;
}
