/**
 * 0008 — identities with signatures (JMAP Identity/set), and the folded names the directory is
 * searched by (recipient autocompletion).
 *
 * Implementation notes
 * - `identities` holds what the user changed or created. The identities of the primary address and
 *   of the aliases exist without a row (core/compose/identities.ts builds them from the account); a
 *   row with their id keeps the user's changes (name, signatures…), `may_delete` 0. Identities the
 *   user created (another alias of theirs, under another name) have `may_delete` 1.
 * - `modseq` is the account modseq of the last change and `created_modseq` that of the creation (0 for
 *   the account's own identities), so Identity/changes reads the table; a destroyed identity stays as
 *   a tombstone (`destroyed` 1) for the same reason.
 * - Keyed by (account, id): the id of an alias's identity derives from the address, and an alias
 *   may pass from one account to another.
 * - `reply_to` and `bcc` are JSON arrays of {name, email}, or null.
 * - `directory_entries.directory_key` is the person's names folded (lower case, accents removed,
 *   words separated by single spaces, with a space before and after): `' eloise berenger levy '`,
 *   so a word prefix is `like '% bere%'` on both SQLite and PostgreSQL. One row per account, apart
 *   from `accounts` so that the account row (and everything that prints it) stays as it was; filled
 *   here for existing accounts and by the accounts repository from now on.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { directoryKey } from '../directory-key.js';

export function identitiesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('identities')
        .addColumn('id', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('email', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('reply_to', 'text')
        .addColumn('bcc', 'text')
        .addColumn('text_signature', 'text', (col) => col.notNull().defaultTo(''))
        .addColumn('html_signature', 'text', (col) => col.notNull().defaultTo(''))
        .addColumn('may_delete', 'integer', (col) => col.notNull().check(sql`may_delete in (0, 1)`))
        .addColumn('destroyed', 'integer', (col) =>
          col.notNull().defaultTo(0).check(sql`destroyed in (0, 1)`),
        )
        .addColumn('created_modseq', 'bigint', (col) => col.notNull())
        .addColumn('modseq', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('identities_pkey', ['account_id', 'id'])
        .execute();

      await db.schema
        .createTable('directory_entries')
        .addColumn('account_id', 'text', (col) =>
          col.primaryKey().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('directory_key', 'text', (col) => col.notNull())
        .execute();
      const accounts = await sql<{ id: string; first_name: string; last_name: string }>`
        select id, first_name, last_name from accounts`.execute(db);
      for (const account of accounts.rows) {
        await sql`insert into directory_entries (account_id, directory_key)
          values (${account.id}, ${directoryKey(account.first_name, account.last_name)})`.execute(db);
      }
    },
  };
}
