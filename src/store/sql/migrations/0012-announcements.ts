/**
 * 0012 — announcements and planned maintenance, published by administrators (`facteur announce`),
 * shown on the sign-in page and in the webmail.
 *
 * Implementation notes
 * - Text in French (required) and English (null: the French is shown).
 * - `starts_at`/`ends_at` bound the event; which are shown when is a rule of core/announcements.
 *   Indexed by end: the current ones are those not ended, a handful at most.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function announcementsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('announcements')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('info', 'maintenance')`))
        .addColumn('starts_at', 'bigint', (col) => col.notNull())
        .addColumn('ends_at', 'bigint', (col) => col.notNull().check(sql`ends_at > starts_at`))
        .addColumn('title_fr', 'text', (col) => col.notNull())
        .addColumn('body_fr', 'text', (col) => col.notNull())
        .addColumn('title_en', 'text')
        .addColumn('body_en', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('announcements_ends_idx').on('announcements').column('ends_at').execute();
    },
  };
}
