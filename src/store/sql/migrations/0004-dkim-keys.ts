/**
 * 0004 — DKIM signing keys per domain.
 *
 * Implementation notes
 * - The private key is stored sealed (AES-256-GCM under a key derived from the deployment secret,
 *   platform/crypto/sealed.ts): a database dump alone does not let anyone sign as the institution.
 * - Several keys per domain (rotation): the active one signs; older ones stay published until
 *   removed. One active key per domain at most.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function dkimKeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dkim_keys')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('domain_id', 'text', (col) => col.notNull().references('domains.id').onDelete('cascade'))
        .addColumn('selector', 'text', (col) => col.notNull())
        .addColumn('algorithm', 'text', (col) =>
          col.notNull().check(sql`algorithm in ('rsa-sha256', 'ed25519-sha256')`),
        )
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('private_key_sealed', 'text', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull().check(sql`active in (0, 1)`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('dkim_keys_domain_selector_key', ['domain_id', 'selector'])
        .execute();
      await db.schema
        .createIndex('dkim_keys_active_key')
        .on('dkim_keys')
        .column('domain_id')
        .unique()
        .where(sql.ref('active'), '=', 1)
        .execute();
    },
  };
}
