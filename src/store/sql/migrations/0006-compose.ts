/**
 * 0006 — writing mail from the webmail: uploaded blobs (JMAP upload) and email submissions held on
 * the server until their release time (undo send, scheduled send).
 *
 * Implementation notes
 * - `uploads` records who uploaded which blob: blobs are shared content-addressed files, so the row
 *   is what lets an account use a blob in a draft (and nobody else). Rows older than a day are purged.
 * - `email_submissions` keeps the envelope and the blob to send: a held submission is independent of
 *   the draft (the user may edit or delete the draft; what was sent is what was submitted).
 *   `undo_status` pending → final when released, or canceled. `lease_until` is the claim of the node
 *   releasing it, so that two nodes never send the same submission.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function composeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('uploads')
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('blob_id', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('size', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('uploads_pkey', ['account_id', 'blob_id'])
        .execute();
      await db.schema.createIndex('uploads_created_key').on('uploads').column('created_at').execute();

      await db.schema
        .createTable('email_submissions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('identity_id', 'text', (col) => col.notNull())
        .addColumn('email_id', 'text', (col) => col.notNull())
        .addColumn('thread_id', 'text', (col) => col.notNull())
        .addColumn('blob_id', 'text', (col) => col.notNull())
        .addColumn('mail_from', 'text', (col) => col.notNull())
        /** JSON array of addresses. */
        .addColumn('recipients', 'text', (col) => col.notNull())
        .addColumn('send_at', 'bigint', (col) => col.notNull())
        .addColumn('undo_status', 'text', (col) =>
          col.notNull().check(sql`undo_status in ('pending', 'final', 'canceled')`),
        )
        .addColumn('lease_until', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('released_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('email_submissions_due_key')
        .on('email_submissions')
        .columns(['undo_status', 'send_at'])
        .execute();
      await db.schema
        .createIndex('email_submissions_account_key')
        .on('email_submissions')
        .columns(['account_id', 'created_at'])
        .execute();
    },
  };
}
