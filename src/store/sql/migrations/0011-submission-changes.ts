/**
 * 0011 — what EmailSubmission/changes and /queryChanges read: the account modseq at which each
 * submission was created and last changed (created, then released or canceled), as identities have
 * since 0008.
 *
 * Implementation notes
 * - Submissions are never destroyed (one is canceled, not deleted; the rows go with the account), so
 *   no tombstone is needed: a row changed after a state is `created` when `created_modseq` is after
 *   it too, else `updated`.
 * - Rows from before this migration take the account's current modseq as both values: a client
 *   holding an older state hears of them as created (one it knew already is harmless), one holding
 *   the current state or a newer one already saw them.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function submissionChangesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('email_submissions')
        .addColumn('created_modseq', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('email_submissions')
        .addColumn('modseq', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
      const current = sql`coalesce((select u.highest_modseq from account_usage u
        where u.account_id = email_submissions.account_id), 0)`;
      await sql`update email_submissions set created_modseq = ${current}, modseq = ${current}`.execute(db);
    },
  };
}
