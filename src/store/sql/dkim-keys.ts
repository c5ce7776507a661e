/** DKIM keys repository (see migration 0004). */
import type { Kysely } from 'kysely';
import type { Database, DkimKey } from './schema.js';

export async function insertDkimKey(db: Kysely<Database>, row: DkimKey): Promise<void> {
  await db.insertInto('dkim_keys').values(row).execute();
}

export async function findActiveDkimKey(
  db: Kysely<Database>,
  domainId: string,
): Promise<DkimKey | undefined> {
  return db
    .selectFrom('dkim_keys')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('active', '=', 1)
    .executeTakeFirst();
}

export async function listDkimKeys(db: Kysely<Database>, domainId: string): Promise<DkimKey[]> {
  return db
    .selectFrom('dkim_keys')
    .selectAll()
    .where('domain_id', '=', domainId)
    .orderBy('created_at')
    .execute();
}
