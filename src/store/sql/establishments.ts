/**
 * Establishments repository: schools and services, identified nationally by their UAI.
 *
 * Implementation notes
 * - A UAI (7 digits and a letter) is stored upper-case, its official spelling, so `0750001a` and
 *   `0750001A` are one establishment for the UNIQUE constraint and for lookups.
 * - `uai` is optional; several establishments without one coexist (NULLs are distinct in a UNIQUE).
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Establishment, EstablishmentTable } from './schema.js';

export type NewEstablishment = Insertable<EstablishmentTable>;

/** @throws a unique violation when the UAI (in any case) or the id is taken. */
export async function insertEstablishment(
  db: Kysely<Database>,
  row: NewEstablishment,
): Promise<Establishment> {
  return db
    .insertInto('establishments')
    .values({ ...row, uai: typeof row.uai === 'string' ? row.uai.toUpperCase() : (row.uai ?? null) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Case-insensitive lookup by UAI. */
export async function findEstablishmentByUai(
  db: Kysely<Database>,
  uai: string,
): Promise<Establishment | undefined> {
  return db.selectFrom('establishments').selectAll().where('uai', '=', uai.toUpperCase()).executeTakeFirst();
}

export async function findEstablishmentById(
  db: Kysely<Database>,
  id: string,
): Promise<Establishment | undefined> {
  return db.selectFrom('establishments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The organisation's establishments, by name then id. */
export async function listEstablishments(
  db: Kysely<Database>,
  organisationId: string,
): Promise<Establishment[]> {
  return db
    .selectFrom('establishments')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name', 'asc')
    .orderBy('id', 'asc')
    .execute();
}
