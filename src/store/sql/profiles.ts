/**
 * Profiles repository: account classes (staff, student, external) with their quota and policies.
 *
 * Implementation notes
 * - A profile name is a stable key unique within its organisation (not across organisations), so
 *   lookups by name always carry the organisation.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Profile, ProfileTable } from './schema.js';

export type NewProfile = Insertable<ProfileTable>;

/** @throws a unique violation when (organisation_id, name) or the id is taken. */
export async function insertProfile(db: Kysely<Database>, row: NewProfile): Promise<Profile> {
  return db.insertInto('profiles').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findProfileByName(
  db: Kysely<Database>,
  organisationId: string,
  name: string,
): Promise<Profile | undefined> {
  return db
    .selectFrom('profiles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function findProfileById(db: Kysely<Database>, id: string): Promise<Profile | undefined> {
  return db.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The organisation's profiles, by name. */
export async function listProfiles(db: Kysely<Database>, organisationId: string): Promise<Profile[]> {
  return db
    .selectFrom('profiles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name', 'asc')
    .execute();
}
