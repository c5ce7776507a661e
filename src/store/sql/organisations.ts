/**
 * Organisations repository: the académie or institution owning domains, profiles and accounts.
 *
 * Implementation notes
 * - A fresh install has exactly one organisation; "default" is the oldest, ties broken by id so the
 *   answer never depends on the engine's row order.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Organisation, OrganisationTable } from './schema.js';

export type NewOrganisation = Insertable<OrganisationTable>;

/** @throws a unique violation when the id is taken. */
export async function insertOrganisation(db: Kysely<Database>, row: NewOrganisation): Promise<Organisation> {
  return db.insertInto('organisations').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The oldest organisation, or undefined before setup. */
export async function findDefaultOrganisation(db: Kysely<Database>): Promise<Organisation | undefined> {
  return db
    .selectFrom('organisations')
    .selectAll()
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
}

export async function findOrganisationById(
  db: Kysely<Database>,
  id: string,
): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}
