/**
 * 0009 — folder listings by index and stored mailbox counters, for large mailboxes.
 *
 * Implementation notes
 * - `mailbox_messages.received_at` is a copy of `messages.received_at` (IMAP INTERNALDATE, JMAP
 *   receivedAt, which never changes once the message exists), written with every membership, so a
 *   folder's newest-first page walks the (mailbox_id, received_at, message_id) index instead of
 *   joining and sorting every message of the folder. Existing rows are filled here.
 * - `mailbox_counters` holds each mailbox's JMAP counters (RFC 8621 §2: total, unread, threads,
 *   unreadThreads, with unread = without $seen) and `mailbox_threads` how many of a thread's messages,
 *   and how many unread, a mailbox holds — what keeps the two thread counts exact: a thread is
 *   counted when its first message joins the mailbox, no longer when its last one leaves.
 * - They are kept by triggers, in the statement that changes a membership, a message's $seen or its
 *   thread: whatever writes (delivery, COPY/MOVE, APPEND, Email/set, import, expunge, a cascade), the
 *   counters change in the same transaction, and a rolled-back change leaves them as they were.
 *   Deleting a message first deletes its memberships (a BEFORE DELETE trigger), so they are uncounted
 *   while the message's thread and $seen can still be read. The counters of a mailbox are one row:
 *   writers of one mailbox already queue on its `mailboxes` row (UIDs), and on their account's
 *   `account_usage` row (modseq) before, so the counter rows add no new lock order.
 * - A trigger writes what changes as a row of `mailbox_counter_deltas`, folded into
 *   `mailbox_counters`: by SQLite at once, by PostgreSQL at commit (a deferred constraint trigger),
 *   once per mailbox. PostgreSQL keeps every version of a row a transaction rewrites and walks them
 *   at each new update: "mark all read" on a 20 000-message folder rewrote its counters row 20 000
 *   times, quadratic (20 s to fill 50 000 messages in one transaction, 4 s with the deferred fold).
 *   Rows of `mailbox_threads` are rewritten a few times per transaction at most (one per message of
 *   the thread). A transaction's own reads see the counters before its changes; nothing reads them
 *   inside a writing transaction.
 * - A partial index holds the memberships marked `\Deleted` (few): IMAP SELECT and STATUS count
 *   them without reading the mailbox.
 * - The trigger statements are the same SQL on both engines: SQLite runs them as trigger bodies,
 *   PostgreSQL as PL/pgSQL functions (NEW and OLD read alike).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * A change of counters: rows of (mailbox_id, total, unread, threads, unread_threads) to add, kept
 * in `mailbox_counter_deltas` until folded (see the notes).
 */
const delta = (select: string) =>
  `insert into mailbox_counter_deltas (mailbox_id, total, unread, threads, unread_threads) ${select}`;

/** Counts a new membership `(mailbox, message)`. */
const addMembership = (mailbox: string, message: string) => [
  `insert into mailbox_threads (mailbox_id, thread_id, message_count, unread_count)
     select ${mailbox}, m.thread_id, 1, 1 - m.seen from messages m where m.id = ${message}
     on conflict (mailbox_id, thread_id) do update set
       message_count = mailbox_threads.message_count + 1,
       unread_count = mailbox_threads.unread_count + excluded.unread_count`,
  delta(`select ${mailbox}, 1, 1 - m.seen,
                case when t.message_count = 1 then 1 else 0 end,
                case when m.seen = 0 and t.unread_count = 1 then 1 else 0 end
           from messages m
           join mailbox_threads t on t.mailbox_id = ${mailbox} and t.thread_id = m.thread_id
          where m.id = ${message}`),
];

/** Uncounts a membership that left; its message must still exist (see the notes). */
const removeMembership = (mailbox: string, message: string) => [
  `update mailbox_threads set
     message_count = message_count - 1,
     unread_count = unread_count - (select 1 - m.seen from messages m where m.id = ${message})
   where mailbox_id = ${mailbox} and thread_id = (select m.thread_id from messages m where m.id = ${message})`,
  delta(`select ${mailbox}, -1, -(1 - m.seen),
                -(case when t.message_count = 0 then 1 else 0 end),
                -(case when m.seen = 0 and t.unread_count = 0 then 1 else 0 end)
           from messages m
           join mailbox_threads t on t.mailbox_id = ${mailbox} and t.thread_id = m.thread_id
          where m.id = ${message}`),
  `delete from mailbox_threads
   where mailbox_id = ${mailbox} and message_count = 0
     and thread_id = (select m.thread_id from messages m where m.id = ${message})`,
];

const MEMBERSHIPS = 'select mm.mailbox_id from mailbox_messages mm where mm.message_id = NEW.id';

/** A message's $seen changed (its thread did not): its thread's unread count in each of its mailboxes. */
const changeSeen = [
  `update mailbox_threads set unread_count = unread_count + (OLD.seen - NEW.seen)
   where thread_id = NEW.thread_id and mailbox_id in (${MEMBERSHIPS})`,
  delta(`select t.mailbox_id, 0, OLD.seen - NEW.seen, 0,
                case when NEW.seen = 0 and t.unread_count = 1 then 1
                     when NEW.seen = 1 and t.unread_count = 0 then -1 else 0 end
           from mailbox_threads t
          where t.thread_id = NEW.thread_id and t.mailbox_id in (${MEMBERSHIPS})`),
];

/** A message's thread changed: uncounted with its old values, counted with its new ones. */
const changeThread = [
  `update mailbox_threads set
     message_count = message_count - 1,
     unread_count = unread_count - (1 - OLD.seen)
   where thread_id = OLD.thread_id and mailbox_id in (${MEMBERSHIPS})`,
  delta(`select t.mailbox_id, 0, -(1 - OLD.seen),
                -(case when t.message_count = 0 then 1 else 0 end),
                -(case when OLD.seen = 0 and t.unread_count = 0 then 1 else 0 end)
           from mailbox_threads t
          where t.thread_id = OLD.thread_id and t.mailbox_id in (${MEMBERSHIPS})`),
  `delete from mailbox_threads
   where thread_id = OLD.thread_id and message_count = 0 and mailbox_id in (${MEMBERSHIPS})`,
  `insert into mailbox_threads (mailbox_id, thread_id, message_count, unread_count)
     select mm.mailbox_id, NEW.thread_id, 1, 1 - NEW.seen from mailbox_messages mm where mm.message_id = NEW.id
     on conflict (mailbox_id, thread_id) do update set
       message_count = mailbox_threads.message_count + 1,
       unread_count = mailbox_threads.unread_count + excluded.unread_count`,
  delta(`select t.mailbox_id, 0, 1 - NEW.seen,
                case when t.message_count = 1 then 1 else 0 end,
                case when NEW.seen = 0 and t.unread_count = 1 then 1 else 0 end
           from mailbox_threads t
          where t.thread_id = NEW.thread_id and t.mailbox_id in (${MEMBERSHIPS})`),
];

/** Adds the pending changes (of every mailbox, or of the one `where` names) to the counters. */
const fold = (where: string) => [
  `update mailbox_counters set
     total = mailbox_counters.total + d.total,
     unread = mailbox_counters.unread + d.unread,
     threads = mailbox_counters.threads + d.threads,
     unread_threads = mailbox_counters.unread_threads + d.unread_threads
   from (select mailbox_id, sum(total) as total, sum(unread) as unread, sum(threads) as threads,
                sum(unread_threads) as unread_threads
           from mailbox_counter_deltas ${where} group by mailbox_id) d
   where mailbox_counters.mailbox_id = d.mailbox_id`,
  `delete from mailbox_counter_deltas ${where}`,
];

interface TriggerSpec {
  name: string;
  timing: 'before' | 'after';
  event: string;
  table: string;
  /** The condition, when there is one (the same text on both engines). */
  when?: string;
  statements: string[];
  /** Its statements write counter changes, to be folded. */
  counts?: boolean;
}

const TRIGGERS: TriggerSpec[] = [
  {
    name: 'mailboxes_counters_create',
    timing: 'after',
    event: 'insert',
    table: 'mailboxes',
    statements: ['insert into mailbox_counters (mailbox_id) values (NEW.id)'],
  },
  {
    name: 'mailbox_messages_count_insert',
    timing: 'after',
    event: 'insert',
    table: 'mailbox_messages',
    statements: addMembership('NEW.mailbox_id', 'NEW.message_id'),
    counts: true,
  },
  {
    name: 'mailbox_messages_count_delete',
    timing: 'after',
    event: 'delete',
    table: 'mailbox_messages',
    statements: removeMembership('OLD.mailbox_id', 'OLD.message_id'),
    counts: true,
  },
  {
    // Nothing moves a membership today; if something ever does, the counters follow.
    name: 'mailbox_messages_count_move',
    timing: 'after',
    event: 'update of mailbox_id, message_id',
    table: 'mailbox_messages',
    when: 'OLD.mailbox_id <> NEW.mailbox_id or OLD.message_id <> NEW.message_id',
    statements: [
      ...removeMembership('OLD.mailbox_id', 'OLD.message_id'),
      ...addMembership('NEW.mailbox_id', 'NEW.message_id'),
    ],
    counts: true,
  },
  {
    // receivedAt never changes (JMAP makes it immutable, IMAP has no command for it); if a repair
    // ever rewrites it, the memberships' copies follow.
    name: 'messages_received_copy',
    timing: 'after',
    event: 'update of received_at',
    table: 'messages',
    when: 'OLD.received_at <> NEW.received_at',
    statements: ['update mailbox_messages set received_at = NEW.received_at where message_id = NEW.id'],
  },
  {
    name: 'messages_count_delete',
    timing: 'before',
    event: 'delete',
    table: 'messages',
    statements: ['delete from mailbox_messages where message_id = OLD.id'],
  },
  {
    name: 'messages_count_seen',
    timing: 'after',
    event: 'update of seen',
    table: 'messages',
    when: 'OLD.seen <> NEW.seen and OLD.thread_id = NEW.thread_id',
    statements: changeSeen,
    counts: true,
  },
  {
    // Nothing moves a message to another thread today (threads are never merged); if something ever
    // does, the counters follow.
    name: 'messages_count_thread',
    timing: 'after',
    event: 'update of thread_id',
    table: 'messages',
    when: 'OLD.thread_id <> NEW.thread_id',
    statements: changeThread,
    counts: true,
  },
];

async function createTrigger(db: Kysely<unknown>, dialect: SqlDialect, spec: TriggerSpec): Promise<void> {
  const when = spec.when ? ` when (${spec.when})` : '';
  if (dialect === 'sqlite') {
    // Folded at once: SQLite rewrites a row in place, however often a transaction changes it.
    const statements = spec.counts ? [...spec.statements, ...fold('')] : spec.statements;
    await sql
      .raw(
        `create trigger ${spec.name} ${spec.timing} ${spec.event} on ${spec.table} for each row${when}
         begin
         ${statements.map((statement) => `${statement};`).join('\n')}
         end`,
      )
      .execute(db);
    return;
  }
  await createPostgresFunction(db, spec.name, spec.statements, spec.timing === 'before' ? 'OLD' : 'NULL');
  await sql
    .raw(
      `create trigger ${spec.name} ${spec.timing} ${spec.event} on ${spec.table} for each row${when}
       execute function ${spec.name}()`,
    )
    .execute(db);
}

/** A PL/pgSQL trigger function running `statements` (BEFORE DELETE must return OLD to proceed). */
async function createPostgresFunction(
  db: Kysely<unknown>,
  name: string,
  statements: string[],
  result: 'OLD' | 'NULL',
): Promise<void> {
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $fn$
       begin
       ${statements.map((statement) => `${statement};`).join('\n')}
       return ${result};
       end
       $fn$`,
    )
    .execute(db);
}

export function mailboxReceivedMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('mailbox_messages')
        .addColumn('received_at', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
      await sql`update mailbox_messages set received_at = (
          select m.received_at from messages m where m.id = mailbox_messages.message_id)`.execute(db);
      await db.schema
        .createIndex('mailbox_messages_received_idx')
        .on('mailbox_messages')
        .columns(['mailbox_id', 'received_at', 'message_id'])
        .execute();
      // The few memberships marked \Deleted of a mailbox (SELECT and STATUS count them).
      await db.schema
        .createIndex('mailbox_messages_deleted_idx')
        .on('mailbox_messages')
        .columns(['mailbox_id', 'uid'])
        .where(sql.ref('deleted'), '=', sql.lit(1))
        .execute();

      await db.schema
        .createTable('mailbox_counters')
        .addColumn('mailbox_id', 'text', (col) =>
          col.primaryKey().references('mailboxes.id').onDelete('cascade'),
        )
        .addColumn('total', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('unread', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('threads', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('unread_threads', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('mailbox_threads')
        .addColumn('mailbox_id', 'text', (col) =>
          col.notNull().references('mailboxes.id').onDelete('cascade'),
        )
        .addColumn('thread_id', 'text', (col) => col.notNull())
        .addColumn('message_count', 'bigint', (col) => col.notNull())
        .addColumn('unread_count', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('mailbox_threads_pkey', ['mailbox_id', 'thread_id'])
        .execute();
      // No foreign key: a change may outlive its mailbox until folded (then it is dropped).
      await db.schema
        .createTable('mailbox_counter_deltas')
        .addColumn(
          'id',
          dialect === 'postgres' ? sql`bigint generated always as identity` : 'integer',
          (col) => col.primaryKey(),
        )
        .addColumn('mailbox_id', 'text', (col) => col.notNull())
        .addColumn('total', 'bigint', (col) => col.notNull())
        .addColumn('unread', 'bigint', (col) => col.notNull())
        .addColumn('threads', 'bigint', (col) => col.notNull())
        .addColumn('unread_threads', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('mailbox_counter_deltas_mailbox_idx')
        .on('mailbox_counter_deltas')
        .column('mailbox_id')
        .execute();

      // Filled from the rows as they are, then kept by the triggers.
      await sql`insert into mailbox_threads (mailbox_id, thread_id, message_count, unread_count)
          select mm.mailbox_id, m.thread_id, count(*), sum(1 - m.seen)
            from mailbox_messages mm join messages m on m.id = mm.message_id
           group by mm.mailbox_id, m.thread_id`.execute(db);
      await sql`insert into mailbox_counters (mailbox_id, total, unread, threads, unread_threads)
          select b.id,
                 coalesce(sum(t.message_count), 0),
                 coalesce(sum(t.unread_count), 0),
                 count(t.thread_id),
                 coalesce(sum(case when t.unread_count > 0 then 1 else 0 end), 0)
            from mailboxes b left join mailbox_threads t on t.mailbox_id = b.id
           group by b.id`.execute(db);
      for (const spec of TRIGGERS) await createTrigger(db, dialect, spec);
      if (dialect === 'postgres') {
        // Folded once per mailbox, at commit: the first change of a mailbox still pending folds
        // them all; the later ones find theirs gone (one primary-key probe each).
        await createPostgresFunction(
          db,
          'mailbox_counter_deltas_fold',
          [
            `if not exists (select 1 from mailbox_counter_deltas where id = NEW.id) then return null; end if`,
            ...fold('where mailbox_id = NEW.mailbox_id'),
          ],
          'NULL',
        );
        await sql`create constraint trigger mailbox_counter_deltas_fold
            after insert on mailbox_counter_deltas deferrable initially deferred
            for each row execute function mailbox_counter_deltas_fold()`.execute(db);
      }
    },
  };
}
