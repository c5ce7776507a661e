/**
 * Aliases repository: extra addresses delivering to an account.
 *
 * Implementation notes
 * - Tenant rule: reading or removing aliases takes the owning account's id and filters on it, so
 *   another account's id finds and changes nothing (STYLE §4.2).
 * - Addresses are stored lower-case and may not equal any primary address (see accounts.ts for the
 *   cross-table check and its PostgreSQL race).
 */
import type { Insertable, Kysely } from 'kysely';
import { UniqueViolationError } from './errors.js';
import type { Alias, AliasTable, Database } from './schema.js';

export type NewAlias = Insertable<AliasTable>;

/**
 * Adds an alias, lower-casing the address.
 * @throws a unique violation when the address is an alias or a primary address already;
 *   a foreign-key violation when the account does not exist.
 */
export async function insertAlias(db: Kysely<Database>, row: NewAlias): Promise<Alias> {
  const address = row.address.toLowerCase();
  const owner = await db
    .selectFrom('accounts')
    .select('id')
    .where('address', '=', address)
    .executeTakeFirst();
  if (owner !== undefined) throw new UniqueViolationError(`address ${address} is already a primary address`);
  return db
    .insertInto('aliases')
    .values({ ...row, address })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account's aliases, by address. */
export async function listAliases(db: Kysely<Database>, accountId: string): Promise<Alias[]> {
  return db
    .selectFrom('aliases')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('address', 'asc')
    .execute();
}

/** Removes one of the account's aliases. @returns false when the account has no such alias. */
export async function deleteAlias(
  db: Kysely<Database>,
  accountId: string,
  address: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('aliases')
    .where('account_id', '=', accountId)
    .where('address', '=', address.toLowerCase())
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
