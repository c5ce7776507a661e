/**
 * 0003 — the outbound queue: messages waiting to leave for other domains, one row per recipient.
 *
 * Implementation notes
 * - The raw message is a blob (content-addressed, fsync'd by BlobStore.put) named by `blob_id`; the
 *   rows are committed after the blob is durable, so a queued message never lacks its bytes. The
 *   blob may be shared with a `message_bodies` row (the sender's Sent copy): the queue never deletes
 *   blobs, a future garbage collector must count `outbound_messages.blob_id` as a reference.
 * - `mail_from` is the RFC 5321 reverse-path; `''` is the null sender `<>` of a bounce, which must
 *   never itself be bounced (RFC 5321 §4.5.5, RFC 3464 §2).
 * - Recipient states: `queued` (waiting for `next_attempt_at`), `delivered` (2xx), `bounced`
 *   (permanent failure, a DSN was sent to the sender), `failed` (permanent failure without DSN: null
 *   sender). Only `queued` rows are ever claimed.
 * - Claiming is a lease (`lease_owner`, `lease_until`) taken by one UPDATE: several Facteur nodes on
 *   one PostgreSQL never attempt the same recipient at once, and work held by a crashed node comes
 *   back when its lease ends. The partial index on `next_attempt_at` of queued rows is what the
 *   runner's "due now" scan uses; finished rows stay out of it.
 * - Instants are integer milliseconds (bigint), like every other table.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function outboundQueueMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('outbound_messages')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('blob_id', 'text', (col) => col.notNull())
        .addColumn('mail_from', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text', (col) => col.references('accounts.id').onDelete('set null'))
        .addColumn('size', 'bigint', (col) => col.notNull().check(sql`size >= 0`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('outbound_messages_created_idx')
        .on('outbound_messages')
        .column('created_at')
        .execute();
      await db.schema
        .createIndex('outbound_messages_account_idx')
        .on('outbound_messages')
        .column('account_id')
        .execute();

      await db.schema
        .createTable('outbound_recipients')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('message_id', 'text', (col) =>
          col.notNull().references('outbound_messages.id').onDelete('cascade'),
        )
        .addColumn('recipient', 'text', (col) => col.notNull())
        .addColumn('domain', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('queued', 'delivered', 'failed', 'bounced')`),
        )
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0).check(sql`attempts >= 0`))
        .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_response', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addUniqueConstraint('outbound_recipients_message_recipient_key', ['message_id', 'recipient'])
        .execute();
      await db.schema
        .createIndex('outbound_recipients_due_idx')
        .on('outbound_recipients')
        .column('next_attempt_at')
        .where(sql.ref('status'), '=', 'queued')
        .execute();
    },
  };
}
