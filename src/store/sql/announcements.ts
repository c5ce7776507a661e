/**
 * Announcements repository (migration 0012). Not tenant data: one institution's notices for all.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Announcement, AnnouncementTable, Database } from './schema.js';

export type NewAnnouncement = Insertable<AnnouncementTable>;

export async function insertAnnouncement(db: Kysely<Database>, row: NewAnnouncement): Promise<Announcement> {
  return db.insertInto('announcements').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Announcements not ended at `now` (all when `now` is undefined), soonest first. */
export async function listAnnouncementRows(db: Kysely<Database>, now?: number): Promise<Announcement[]> {
  let query = db.selectFrom('announcements').selectAll();
  if (now !== undefined) query = query.where('ends_at', '>', now);
  return query.orderBy('starts_at', 'asc').orderBy('id', 'asc').execute();
}

/** @returns the deleted announcement, or undefined when there was none with this id. */
export async function deleteAnnouncement(
  db: Kysely<Database>,
  id: string,
): Promise<Announcement | undefined> {
  return db.deleteFrom('announcements').where('id', '=', id).returningAll().executeTakeFirst();
}
