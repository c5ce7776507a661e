/**
 * 0013 — the browsers an account has signed in from, so that a sign-in from a new one can be told
 * to its owner ("Nouvelle connexion à votre messagerie").
 *
 * Implementation notes
 * - A browser carries a random device token in a long-lived cookie; only its SHA-256 is stored, per
 *   account (one browser used by two people is two rows).
 */
import type { Kysely, Migration } from 'kysely';

export function knownDevicesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('known_devices')
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('device_hash', 'text', (col) => col.notNull())
        .addColumn('first_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('known_devices_pkey', ['account_id', 'device_hash'])
        .execute();
    },
  };
}
