/** Known devices repository (migration 0013): every read and write is of one account. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Records that the account signed in from this device.
 * @returns `known` when it had before; otherwise whether the account had any other device.
 */
export async function recordDevice(
  db: Kysely<Database>,
  accountId: string,
  deviceHash: string,
  now: number,
): Promise<'known' | 'new' | 'first'> {
  const updated = await db
    .updateTable('known_devices')
    .set({ last_seen_at: now })
    .where('account_id', '=', accountId)
    .where('device_hash', '=', deviceHash)
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return 'known';
  const other = await db
    .selectFrom('known_devices')
    .select('device_hash')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  await db
    .insertInto('known_devices')
    .values({ account_id: accountId, device_hash: deviceHash, first_seen_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'device_hash']).doUpdateSet({ last_seen_at: now }))
    .execute();
  return other ? 'new' : 'first';
}
