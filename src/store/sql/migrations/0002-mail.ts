/**
 * 0002 — the mail store: mailboxes, shared message bodies, per-account messages, mailbox
 * membership with IMAP UIDs, per-account usage and the change log.
 *
 * Implementation notes
 * - Single-instance storage: a raw message is one blob (content-addressed) and one `message_bodies`
 *   row holding everything parsed from it once (MIME structure with byte offsets, ENVELOPE, decoded
 *   headers). A delivery to 40 000 accounts adds 40 000 small `messages` + `mailbox_messages` rows.
 * - A `messages` row is an account's copy (a JMAP Email): its thread and keywords. A message may be
 *   in several mailboxes of its account (JMAP mailboxIds); `mailbox_messages` gives each membership
 *   its IMAP UID (RFC 9051 §2.3.1.1) and MODSEQ (RFC 7162). The IMAP `\Deleted` flag is kept per
 *   membership, since EXPUNGE removes a message from one mailbox only; the other flags belong to the
 *   message and are shared by its memberships.
 * - One account-wide modification sequence (`account_usage.highest_modseq`) orders every change of
 *   an account: it is a valid MODSEQ for each mailbox (strictly increasing per mailbox) and the JMAP
 *   state string. `change_log` records what changed at which modseq, for IMAP QRESYNC (VANISHED) and
 *   JMAP `/changes`.
 * - Frequently filtered flags ($seen, $flagged, $answered, $draft) are columns so unread counts and
 *   searches use indexes; other keywords are a JSON array.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from '../dialect.js';

export function mailMigration(dialect: SqlDialect): Migration {
  const bytewiseText = dialect === 'postgres' ? sql`text collate "C"` : 'text';
  const flag = (name: string) => sql`${sql.ref(name)} in (0, 1)`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('account_usage')
        .addColumn('account_id', 'text', (col) =>
          col.primaryKey().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('used_bytes', 'bigint', (col) => col.notNull().defaultTo(0).check(sql`used_bytes >= 0`))
        .addColumn('message_count', 'bigint', (col) =>
          col.notNull().defaultTo(0).check(sql`message_count >= 0`),
        )
        .addColumn('highest_modseq', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('mailboxes')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('parent_id', 'text', (col) => col.references('mailboxes.id').onDelete('no action'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('path', bytewiseText, (col) => col.notNull())
        .addColumn('role', 'text', (col) =>
          col.check(sql`role in ('inbox', 'drafts', 'sent', 'archive', 'junk', 'trash')`),
        )
        .addColumn('uid_validity', 'bigint', (col) => col.notNull())
        .addColumn('uid_next', 'bigint', (col) => col.notNull().defaultTo(1))
        .addColumn('highest_modseq', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('subscribed', 'integer', (col) => col.notNull().defaultTo(1).check(flag('subscribed')))
        .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('mailboxes_account_path_key', ['account_id', 'path'])
        .execute();
      await db.schema
        .createIndex('mailboxes_account_role_key')
        .on('mailboxes')
        .columns(['account_id', 'role'])
        .unique()
        .where(sql.ref('role'), 'is not', null)
        .execute();
      await db.schema.createIndex('mailboxes_parent_idx').on('mailboxes').column('parent_id').execute();

      await db.schema
        .createTable('message_bodies')
        .addColumn('blob_id', 'text', (col) => col.primaryKey())
        .addColumn('size', 'bigint', (col) => col.notNull())
        .addColumn('structure', 'text', (col) => col.notNull())
        .addColumn('envelope', 'text', (col) => col.notNull())
        .addColumn('subject', 'text', (col) => col.notNull())
        .addColumn('base_subject', 'text', (col) => col.notNull())
        .addColumn('from_addresses', 'text', (col) => col.notNull())
        .addColumn('to_addresses', 'text', (col) => col.notNull())
        .addColumn('cc_addresses', 'text', (col) => col.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('message_id', 'text')
        .addColumn('in_reply_to', 'text', (col) => col.notNull())
        .addColumn('references', 'text', (col) => col.notNull())
        .addColumn('preview', 'text', (col) => col.notNull())
        .addColumn('has_attachment', 'integer', (col) => col.notNull().check(flag('has_attachment')))
        .addColumn('attachments', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('message_bodies_message_id_idx')
        .on('message_bodies')
        .column('message_id')
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('blob_id', 'text', (col) =>
          col.notNull().references('message_bodies.blob_id').onDelete('no action'),
        )
        .addColumn('thread_id', 'text', (col) => col.notNull())
        .addColumn('received_at', 'bigint', (col) => col.notNull())
        .addColumn('size', 'bigint', (col) => col.notNull())
        .addColumn('seen', 'integer', (col) => col.notNull().defaultTo(0).check(flag('seen')))
        .addColumn('flagged', 'integer', (col) => col.notNull().defaultTo(0).check(flag('flagged')))
        .addColumn('answered', 'integer', (col) => col.notNull().defaultTo(0).check(flag('answered')))
        .addColumn('draft', 'integer', (col) => col.notNull().defaultTo(0).check(flag('draft')))
        .addColumn('keywords', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('modseq', 'bigint', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('messages_account_received_idx')
        .on('messages')
        .columns(['account_id', 'received_at'])
        .execute();
      await db.schema
        .createIndex('messages_account_thread_idx')
        .on('messages')
        .columns(['account_id', 'thread_id'])
        .execute();
      await db.schema
        .createIndex('messages_blob_idx')
        .on('messages')
        .columns(['blob_id', 'account_id'])
        .execute();

      await db.schema
        .createTable('mailbox_messages')
        .addColumn('mailbox_id', 'text', (col) =>
          col.notNull().references('mailboxes.id').onDelete('cascade'),
        )
        .addColumn('uid', 'bigint', (col) => col.notNull().check(sql`uid > 0`))
        .addColumn('message_id', 'text', (col) => col.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (col) => col.notNull())
        .addColumn('modseq', 'bigint', (col) => col.notNull())
        .addColumn('deleted', 'integer', (col) => col.notNull().defaultTo(0).check(flag('deleted')))
        .addPrimaryKeyConstraint('mailbox_messages_pkey', ['mailbox_id', 'uid'])
        .addUniqueConstraint('mailbox_messages_message_key', ['mailbox_id', 'message_id'])
        .execute();
      await db.schema
        .createIndex('mailbox_messages_message_idx')
        .on('mailbox_messages')
        .column('message_id')
        .execute();
      await db.schema
        .createIndex('mailbox_messages_modseq_idx')
        .on('mailbox_messages')
        .columns(['mailbox_id', 'modseq'])
        .execute();

      await db.schema
        .createTable('change_log')
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('modseq', 'bigint', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('email', 'mailbox', 'thread')`))
        .addColumn('object_id', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) =>
          col.notNull().check(sql`action in ('created', 'updated', 'destroyed', 'expunged')`),
        )
        .addColumn('mailbox_id', 'text')
        .addColumn('uid', 'bigint')
        .execute();
      await db.schema
        .createIndex('change_log_account_modseq_idx')
        .on('change_log')
        .columns(['account_id', 'modseq'])
        .execute();
      await db.schema
        .createIndex('change_log_mailbox_modseq_idx')
        .on('change_log')
        .columns(['mailbox_id', 'modseq'])
        .where(sql.ref('mailbox_id'), 'is not', null)
        .execute();
    },
  };
}
