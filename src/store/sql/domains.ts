/**
 * Domains repository: the mail domains an organisation receives for.
 *
 * Implementation notes
 * - Domain names are case-insensitive (RFC 5321 §2.4) and stored lower-case, so the UNIQUE on `name`
 *   is a case-insensitive uniqueness and lookups lower-case their argument. Names are A-labels (ASCII),
 *   where JavaScript's and the engines' lower-casing agree.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database, Domain, DomainTable } from './schema.js';

export type NewDomain = Insertable<DomainTable>;

/**
 * Inserts a domain, lower-casing its name.
 * @throws a unique violation when the name (in any case) or id is taken.
 */
export async function insertDomain(db: Kysely<Database>, row: NewDomain): Promise<Domain> {
  return db
    .insertInto('domains')
    .values({ ...row, name: row.name.toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Case-insensitive lookup by name. */
export async function findDomainByName(db: Kysely<Database>, name: string): Promise<Domain | undefined> {
  return db.selectFrom('domains').selectAll().where('name', '=', name.toLowerCase()).executeTakeFirst();
}

export async function findDomainById(db: Kysely<Database>, id: string): Promise<Domain | undefined> {
  return db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The organisation's domains, by name. */
export async function listDomains(db: Kysely<Database>, organisationId: string): Promise<Domain[]> {
  return db
    .selectFrom('domains')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name', 'asc')
    .execute();
}
