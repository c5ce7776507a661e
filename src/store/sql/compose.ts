/**
 * Uploads and held email submissions (migrations 0006, 0011). Every read names the account, except
 * the release loop's claim, which works for all accounts. Every change of a submission carries the
 * account modseq it took (its caller's, in the same transaction).
 */
import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import type { Database, EmailSubmission, Upload } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function recordUpload(db: Db, upload: Upload): Promise<void> {
  await db
    .insertInto('uploads')
    .values(upload)
    .onConflict((oc) =>
      oc.columns(['account_id', 'blob_id']).doUpdateSet({ created_at: upload.created_at, type: upload.type }),
    )
    .execute();
}

export async function findUploads(db: Db, accountId: string, blobIds: readonly string[]): Promise<Upload[]> {
  if (blobIds.length === 0) return [];
  return db
    .selectFrom('uploads')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('blob_id', 'in', [...blobIds])
    .execute();
}

/** Forgets uploads made before `before` (their blobs stay while a message uses them). */
export async function purgeUploads(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('uploads').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertEmailSubmission(db: Db, submission: EmailSubmission): Promise<void> {
  await db.insertInto('email_submissions').values(submission).execute();
}

export async function findEmailSubmissions(
  db: Db,
  accountId: string,
  ids: readonly string[] | null,
): Promise<EmailSubmission[]> {
  let query = db.selectFrom('email_submissions').selectAll().where('account_id', '=', accountId);
  if (ids !== null) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', [...ids]);
  }
  return query.orderBy('created_at').execute();
}

/**
 * Claims pending submissions due at `now` until `leaseUntil` (one node at a time on PostgreSQL:
 * SKIP LOCKED; a claim whose lease ran out comes back, so a node dying mid-release delays, never loses).
 */
export async function claimDueSubmissions(
  db: Db,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<EmailSubmission[]> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return db
    .updateTable('email_submissions')
    .set({ lease_until: leaseUntil })
    .where('id', 'in', (eb) => {
      const ids = eb
        .selectFrom('email_submissions')
        .select('id')
        .where('undo_status', '=', 'pending')
        .where('send_at', '<=', now)
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
        .orderBy('send_at')
        .limit(limit);
      return isPostgres ? ids.forUpdate().skipLocked() : ids;
    })
    .where('undo_status', '=', 'pending')
    .where('send_at', '<=', now)
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
    .returningAll()
    .execute();
}

/** Marks a submission sent; `modseq` is the account's next one (EmailSubmission/changes). */
export async function markSubmissionReleased(db: Db, id: string, at: number, modseq: number): Promise<void> {
  await db
    .updateTable('email_submissions')
    .set({ undo_status: 'final', released_at: at, lease_until: null, modseq })
    .where('id', '=', id)
    .execute();
}

/** Gives a claim back (the release failed for a reason that may pass): tried again at `retryAt`. */
export async function releaseSubmissionClaim(db: Db, id: string, retryAt: number): Promise<void> {
  await db.updateTable('email_submissions').set({ lease_until: retryAt }).where('id', '=', id).execute();
}

/**
 * Cancels a pending submission that no node is releasing.
 * @returns false when it is not pending any more (sent, being sent, canceled) or not this account's.
 */
export async function cancelEmailSubmission(
  db: Db,
  accountId: string,
  id: string,
  now: number,
  modseq: number,
): Promise<boolean> {
  const result = await db
    .updateTable('email_submissions')
    .set({ undo_status: 'canceled', modseq })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('undo_status', '=', 'pending')
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Refuses a submission for good (its sender or recipients became invalid before release). */
export async function failEmailSubmission(db: Db, id: string, modseq: number): Promise<void> {
  await db
    .updateTable('email_submissions')
    .set({ undo_status: 'canceled', lease_until: null, modseq })
    .where('id', '=', id)
    .execute();
}
