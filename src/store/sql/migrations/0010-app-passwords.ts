/**
 * 0010 — app passwords: secrets a user creates for one mail program (IMAP, SMTP, JMAP and later
 * CalDAV/CardDAV), shown once, revocable.
 *
 * Implementation notes
 * - Only a keyed hash of the secret is stored (`secret_hash`, HMAC-SHA-256 with the deployment key,
 *   see platform/crypto/tokens.ts): the secret is random and long, so a slow password hash would add
 *   nothing but cost to every IMAP or JMAP request, and the keyed hash lets a JMAP bearer token be
 *   found without a user name. Unique for that reason.
 * - Revoking deletes the row: nothing of a revoked secret is worth keeping (the audit log keeps the
 *   event).
 * - `last_used_at` / `last_used_protocol` are what the settings page shows; written at most once a
 *   minute per password so that an IMAP client polling every few seconds writes little.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function appPasswordsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('app_passwords')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('secret_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('last_used_protocol', 'text', (col) =>
          col.check(sql`last_used_protocol in ('imap', 'smtp', 'jmap')`),
        )
        .execute();
      await db.schema
        .createIndex('app_passwords_account_idx')
        .on('app_passwords')
        .column('account_id')
        .execute();
    },
  };
}
