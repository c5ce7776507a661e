/**
 * 0016 — self-service password resets: single-use links mailed to an account's recovery address,
 * and an index to find accounts by NUMEN ("Connaître son identifiant", "Mot de passe oublié").
 *
 * Implementation notes
 * - Only the SHA-256 of a link's token is stored (the token is 256 random bits, so a plain digest
 *   is enough): a database leak yields no usable link.
 * - `used_at` marks a spent token; a new request deletes the account's earlier ones, so at most one
 *   link per account works at a time.
 * - Accounts are looked up by `numen_hash` (keyed HMAC): without an index that is a full scan of
 *   every account for each public request.
 */
import type { Kysely, Migration } from 'kysely';

export function passwordResetsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('password_resets')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('password_resets_account_idx')
        .on('password_resets')
        .column('account_id')
        .execute();
      await db.schema.createIndex('accounts_numen_idx').on('accounts').column('numen_hash').execute();
    },
  };
}
