/**
 * 0015 — two-step sign-in: the sign-ins waiting for their second step, and trusted devices.
 *
 * Implementation notes
 * - A pending sign-in is what a correct password buys when a second factor is due: a random token
 *   in a short-lived cookie (only its SHA-256 here), the account, what is awaited (`second_factor`
 *   or `enrol` for a profile that requires two-step sign-in), a failure count, the WebAuthn
 *   challenge when a passkey was offered, and the device the password was typed on.
 * - `known_devices.trusted_until`: a browser where the second step succeeded with « faire confiance
 *   à cet appareil » skips it until then (30 days).
 */
import type { Kysely, Migration } from 'kysely';

export function pendingSignInsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('pending_sign_ins')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('device_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('challenge', 'text')
        .execute();
      await db.schema
        .createIndex('pending_sign_ins_account')
        .on('pending_sign_ins')
        .column('account_id')
        .execute();
      await db.schema.alterTable('known_devices').addColumn('trusted_until', 'bigint').execute();
    },
  };
}
