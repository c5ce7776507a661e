/**
 * 0014 — second factors: a TOTP secret per account and its single-use recovery codes.
 *
 * Implementation notes
 * - The TOTP secret is sealed with the deployment secret (platform/crypto/sealed.ts): unlike a
 *   password it must be read back to compute codes, and a stolen database alone must not give it.
 * - `confirmed_at` is null while enrolment waits for the first code; `last_step` is the time step
 *   of the last accepted code, so a code is accepted once (RFC 6238 §5.2).
 * - Recovery codes are stored as keyed hashes (random, 50 bits each), `used_at` set when spent.
 */
import type { Kysely, Migration } from 'kysely';

export function secondFactorsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('totp_secrets')
        .addColumn('account_id', 'text', (col) =>
          col.primaryKey().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('secret_sealed', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('last_step', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('used_at', 'bigint')
        .addPrimaryKeyConstraint('recovery_codes_pkey', ['account_id', 'code_hash'])
        .execute();
    },
  };
}
