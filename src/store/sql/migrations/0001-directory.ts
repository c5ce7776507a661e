/**
 * 0001 — the directory: organisations, domains, establishments, profiles, accounts, aliases,
 * sessions and the audit log.
 *
 * Implementation notes
 * - Never edit once landed: write 0002 instead (STYLE §4.13). `schema.ts` mirrors the result.
 * - One definition for both dialects through Kysely's schema builder. Instants are `bigint`
 *   milliseconds (a `bigint` on SQLite is an INTEGER, 64-bit), ids are `text`, booleans are
 *   `integer` 0/1 guarded by CHECKs. The only dialect-specific column is the audit log id: SQLite
 *   auto-assigns only to a column declared exactly `integer primary key`, PostgreSQL needs an identity.
 * - Names that must be unique case-insensitively (domain names, addresses, identifiers) are stored
 *   lower-case by the repositories, so a plain UNIQUE is enough and no functional index is needed.
 * - ON DELETE: directory references refuse (deleting a domain or profile still used by accounts is a
 *   mistake to surface, not to cascade into mailboxes); an account's aliases and sessions CASCADE; an
 *   account's establishment is SET NULL. Refusal is NO ACTION rather than RESTRICT because SQLite
 *   reports RESTRICT as SQLITE_CONSTRAINT_TRIGGER, and both engines should report a foreign-key error. The audit log has no foreign key: it must outlive what it
 *   describes.
 * - Every lookup in the repositories has an index: unique constraints double as indexes, plus the
 *   foreign-key columns (PostgreSQL does not index them itself, and RESTRICT checks would scan).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from '../dialect.js';

export function directoryMigration(dialect: SqlDialect): Migration {
  // Byte-wise comparison for names matched by prefix and listed in order: identical ordering on both
  // engines (SQLite compares bytes), and PostgreSQL can serve `LIKE 'prefix%'` from the unique index.
  const bytewiseText = dialect === 'postgres' ? sql`text collate "C"` : 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('organisations_created_at_idx')
        .on('organisations')
        .columns(['created_at', 'id'])
        .execute();

      await db.schema
        .createTable('domains')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) =>
          col.notNull().references('organisations.id').onDelete('no action'),
        )
        .addColumn('name', bytewiseText, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('domains_name_key', ['name'])
        .execute();
      await db.schema
        .createIndex('domains_organisation_idx')
        .on('domains')
        .columns(['organisation_id', 'name'])
        .execute();

      await db.schema
        .createTable('establishments')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) =>
          col.notNull().references('organisations.id').onDelete('no action'),
        )
        .addColumn('name', 'text', (col) => col.notNull())
        // NULLs are distinct in a UNIQUE on both engines: many establishments may lack a UAI.
        .addColumn('uai', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('establishments_uai_key', ['uai'])
        .execute();
      await db.schema
        .createIndex('establishments_organisation_idx')
        .on('establishments')
        .columns(['organisation_id', 'name'])
        .execute();

      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) =>
          col.notNull().references('organisations.id').onDelete('no action'),
        )
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('label', 'text', (col) => col.notNull())
        // Quotas above 2 GiB are ordinary: 32-bit integers would overflow on PostgreSQL.
        .addColumn('quota_bytes', 'bigint', (col) => col.notNull().check(sql`quota_bytes >= 0`))
        .addColumn('retention_days', 'integer', (col) => col.notNull().check(sql`retention_days >= 0`))
        .addColumn('two_factor_required', 'integer', (col) =>
          col.notNull().check(sql`two_factor_required in (0, 1)`),
        )
        .addColumn('forwarding_allowed', 'integer', (col) =>
          col.notNull().check(sql`forwarding_allowed in (0, 1)`),
        )
        .addColumn('external_sending_allowed', 'integer', (col) =>
          col.notNull().check(sql`external_sending_allowed in (0, 1)`),
        )
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('profiles_organisation_name_key', ['organisation_id', 'name'])
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) =>
          col.notNull().references('organisations.id').onDelete('no action'),
        )
        .addColumn('domain_id', 'text', (col) => col.notNull().references('domains.id').onDelete('no action'))
        .addColumn('profile_id', 'text', (col) =>
          col.notNull().references('profiles.id').onDelete('no action'),
        )
        .addColumn('establishment_id', 'text', (col) =>
          col.references('establishments.id').onDelete('set null'),
        )
        .addColumn('first_name', 'text', (col) => col.notNull())
        .addColumn('last_name', 'text', (col) => col.notNull())
        .addColumn('identifier', bytewiseText, (col) => col.notNull())
        .addColumn('address', bytewiseText, (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('user', 'admin')`))
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('active', 'disabled')`))
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('must_change_password', 'integer', (col) =>
          col.notNull().defaultTo(0).check(sql`must_change_password in (0, 1)`),
        )
        .addColumn('password_changed_at', 'bigint')
        .addColumn('numen_hash', 'text')
        .addColumn('birth_date_hash', 'text')
        .addColumn('recovery_email', 'text')
        .addColumn('start_date', 'text')
        .addColumn('end_date', 'text')
        .addColumn('failed_attempts', 'integer', (col) =>
          col.notNull().defaultTo(0).check(sql`failed_attempts >= 0`),
        )
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('accounts_identifier_key', ['identifier'])
        .addUniqueConstraint('accounts_address_key', ['address'])
        .execute();
      await db.schema
        .createIndex('accounts_organisation_idx')
        .on('accounts')
        .columns(['organisation_id', 'identifier'])
        .execute();
      await db.schema
        .createIndex('accounts_status_idx')
        .on('accounts')
        .columns(['status', 'identifier'])
        .execute();
      await db.schema.createIndex('accounts_domain_idx').on('accounts').column('domain_id').execute();
      await db.schema.createIndex('accounts_profile_idx').on('accounts').column('profile_id').execute();
      await db.schema
        .createIndex('accounts_establishment_idx')
        .on('accounts')
        .column('establishment_id')
        .execute();

      await db.schema
        .createTable('aliases')
        .addColumn('address', bytewiseText, (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('aliases_account_idx')
        .on('aliases')
        .columns(['account_id', 'address'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_account_idx').on('sessions').column('account_id').execute();
      await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('audit_log')
        .$call((table) =>
          dialect === 'postgres'
            ? table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
            : table.addColumn('id', 'integer', (col) => col.primaryKey()),
        )
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('actor', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('target', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();
      await db.schema
        .createIndex('audit_log_target_idx')
        .on('audit_log')
        .columns(['target', 'at', 'id'])
        .execute();
    },
  };
}
