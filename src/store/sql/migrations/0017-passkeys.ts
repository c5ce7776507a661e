/**
 * 0017 — passkeys (WebAuthn credentials) as a second factor, and the pending registration
 * challenges that make one.
 *
 * Implementation notes
 * - Everything is text or integers, the same on SQLite and PostgreSQL: the credential id and the
 *   COSE public key are base64url text (a few hundred bytes at most), transports a JSON array.
 * - `credential_id` is unique across the deployment: an authenticator makes a new random id per
 *   registration, so a second row with the same id is a replayed registration, never a second user.
 * - The public key is not a secret (it only checks signatures): stored as is, unlike the TOTP secret.
 * - `counter` is the authenticator's signature counter (0 for most passkeys, which do not keep one);
 *   a counter that goes backwards reveals a cloned authenticator (the library refuses it).
 * - `passkey_challenges` holds the one pending registration of an account (a new one replaces it),
 *   with its expiry; it is deleted when used, whatever the outcome. Sign-in challenges are kept by
 *   the pending sign-in, not here.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function passkeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('passkeys')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('credential_id', 'text', (col) => col.notNull().unique())
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('counter', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('transports', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('device_type', 'text', (col) =>
          col.notNull().check(sql`device_type in ('singleDevice', 'multiDevice')`),
        )
        .addColumn('backed_up', 'integer', (col) => col.notNull().check(sql`backed_up in (0, 1)`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema.createIndex('passkeys_account_idx').on('passkeys').column('account_id').execute();
      await db.schema
        .createTable('passkey_challenges')
        .addColumn('account_id', 'text', (col) =>
          col.primaryKey().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('challenge', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
    },
  };
}
