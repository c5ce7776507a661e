/**
 * Identities repository (JMAP Identity): the user's changes to their account's own identities and
 * the identities they created, tombstones included (Identity/changes reads them).
 *
 * Implementation notes
 * - Tenant rule: every function takes the owning account's id and filters on it.
 * - An account has a handful of identities: they are read whole, never paged.
 */
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, IdentityRow, IdentityTable } from './schema.js';

export type IdentityPatch = Omit<Updateable<IdentityTable>, 'id' | 'account_id'>;

/** Every identity row of the account, destroyed ones included, oldest first. */
export async function findIdentityRows(db: Kysely<Database>, accountId: string): Promise<IdentityRow[]> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function insertIdentity(
  db: Kysely<Database>,
  row: Insertable<IdentityTable>,
): Promise<IdentityRow> {
  return db.insertInto('identities').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Writes the user's changes to one of the account's own identities (primary address, alias):
 * inserted the first time, updated after.
 */
export async function upsertIdentityOverride(
  db: Kysely<Database>,
  row: Insertable<IdentityTable>,
): Promise<IdentityRow> {
  const { id: _id, account_id: _account, created_at: _created, created_modseq: _since, ...changes } = row;
  return db
    .insertInto('identities')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'id']).doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** @returns false when the account has no such live identity. */
export async function updateIdentity(
  db: Kysely<Database>,
  accountId: string,
  id: string,
  patch: IdentityPatch,
): Promise<boolean> {
  const result = await db
    .updateTable('identities')
    .set(patch)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('destroyed', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks a created identity destroyed (kept as a tombstone). @returns false when there is none. */
export async function destroyIdentity(
  db: Kysely<Database>,
  accountId: string,
  id: string,
  modseq: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('identities')
    .set({ destroyed: 1, modseq, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('may_delete', '=', 1)
    .where('destroyed', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
