/**
 * Second factors repository (migration 0014): every statement is of one account.
 *
 * Implementation notes
 * - `advanceTotpStep` accepts a step only if it is later than the last accepted one, in the
 *   statement itself: two sign-ins racing with one code cannot both pass.
 */
import type { Kysely } from 'kysely';
import type { Database, TotpSecret } from './schema.js';

export async function findTotpSecret(
  db: Kysely<Database>,
  accountId: string,
): Promise<TotpSecret | undefined> {
  return db.selectFrom('totp_secrets').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Starts (or restarts) an enrolment: an unconfirmed secret replaces any unconfirmed one. */
export async function saveUnconfirmedTotp(
  db: Kysely<Database>,
  accountId: string,
  secretSealed: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('totp_secrets')
    .values({
      account_id: accountId,
      secret_sealed: secretSealed,
      created_at: now,
      confirmed_at: null,
      last_step: 0,
    })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ secret_sealed: secretSealed, created_at: now, confirmed_at: null, last_step: 0 }),
    )
    .execute();
}

/** @returns false when `step` is not after the last accepted step (a replay). */
export async function advanceTotpStep(
  db: Kysely<Database>,
  accountId: string,
  step: number,
  confirmAt?: number,
): Promise<boolean> {
  const result = await db
    .updateTable('totp_secrets')
    .set({ last_step: step, ...(confirmAt === undefined ? {} : { confirmed_at: confirmAt }) })
    .where('account_id', '=', accountId)
    .where('last_step', '<', step)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteSecondFactors(
  db: Kysely<Database>,
  accountId: string,
  options: { keepRecoveryCodes: boolean } = { keepRecoveryCodes: false },
): Promise<void> {
  await db.deleteFrom('totp_secrets').where('account_id', '=', accountId).execute();
  if (!options.keepRecoveryCodes)
    await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
}

/** Replaces the account's recovery codes. */
export async function replaceRecoveryCodes(
  db: Kysely<Database>,
  accountId: string,
  codeHashes: string[],
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    if (codeHashes.length > 0) {
      await trx
        .insertInto('recovery_codes')
        .values(
          codeHashes.map((code_hash) => ({
            account_id: accountId,
            code_hash,
            created_at: now,
            used_at: null,
          })),
        )
        .execute();
    }
  });
}

/** Spends a recovery code. @returns false when it is not one of the account's unused codes. */
export async function spendRecoveryCode(
  db: Kysely<Database>,
  accountId: string,
  codeHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countUnusedRecoveryCodes(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
