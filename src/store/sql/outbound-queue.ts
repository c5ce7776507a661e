/**
 * Outbound queue repository: queued messages, their recipients, and the leases runners take on them.
 *
 * Implementation notes
 * - The queue is the deployment's, not an account's: messages are addressed by their id alone, and
 *   `account_id` is a filter for listing (the tenant rule of STYLE.md §4.2 applies to mailboxes, and
 *   the queue is administered as a whole, like Postfix's `postqueue`).
 * - Claiming (`claimDueRecipients`) is one UPDATE that sets a lease on rows that are queued, due, and
 *   not leased (or whose lease ended). PostgreSQL: the row choice is a `FOR UPDATE SKIP LOCKED`
 *   subquery, so concurrent nodes take disjoint rows without waiting on each other, and the outer
 *   WHERE repeats the conditions, so a row another node leased in between is rechecked and skipped.
 *   SQLite: a statement holds the database write lock, so the UPDATE is a single-writer step.
 * - Every write to a claimed row is fenced by `lease_owner`: a runner whose lease ran out (and whose
 *   rows another node took) cannot overwrite the newer outcome.
 */
import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import type {
  Database,
  OutboundMessage,
  OutboundMessageTable,
  OutboundRecipient,
  OutboundRecipientStatus,
  OutboundRecipientTable,
} from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type NewOutboundMessage = OutboundMessageTable;
export type NewOutboundRecipient = Pick<
  OutboundRecipientTable,
  'id' | 'message_id' | 'recipient' | 'domain' | 'next_attempt_at'
>;

/** Inserts a message and its recipients in one transaction (all or nothing). */
export async function insertOutboundMessage(
  db: Kysely<Database>,
  message: NewOutboundMessage,
  recipients: NewOutboundRecipient[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('outbound_messages').values(message).execute();
    await trx
      .insertInto('outbound_recipients')
      .values(recipients.map((r) => ({ ...r, status: 'queued' as const, attempts: 0 })))
      .execute();
  });
}

export async function findOutboundMessage(db: Db, id: string): Promise<OutboundMessage | undefined> {
  return db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOutboundRecipients(db: Db, messageIds: string[]): Promise<OutboundRecipient[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('outbound_recipients')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .orderBy('message_id')
    .orderBy('recipient')
    .execute();
}

export interface ClaimOptions {
  /** The claiming runner's id. */
  owner: string;
  now: number;
  leaseUntil: number;
  limit: number;
}

/**
 * Leases up to `limit` due recipients (queued, `next_attempt_at <= now`, lease free or ended), the
 * longest-waiting first. @returns the claimed rows, now leased to `owner`.
 */
export async function claimDueRecipients(db: Db, options: ClaimOptions): Promise<OutboundRecipient[]> {
  const { owner, now, leaseUntil, limit } = options;
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return db
    .updateTable('outbound_recipients')
    .set({ lease_owner: owner, lease_until: leaseUntil })
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('outbound_recipients')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      return isPostgres ? due.forUpdate().skipLocked() : due;
    })
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', now)
    .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
    .returningAll()
    .execute();
}

export interface RecipientOutcome {
  status: OutboundRecipientStatus;
  attemptedAt: number;
  /** Set when the recipient stays queued. */
  nextAttemptAt?: number;
  response: string;
}

/**
 * Records an attempt on a claimed recipient and releases its lease.
 * @returns false when `owner` no longer holds the recipient (lease lost, or message deleted).
 */
export async function recordRecipientAttempt(
  db: Db,
  id: string,
  owner: string,
  outcome: RecipientOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('outbound_recipients')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_attempt_at: outcome.attemptedAt,
      last_response: outcome.response,
      ...(outcome.nextAttemptAt === undefined ? {} : { next_attempt_at: outcome.nextAttemptAt }),
      lease_owner: null,
      lease_until: null,
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Releases leases without recording an attempt (a runner stopping before it tried). */
export async function releaseRecipients(db: Db, ids: string[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbound_recipients')
    .set({ lease_owner: null, lease_until: null })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .execute();
}

export interface ListOutboundOptions {
  /** Only messages with at least one recipient still queued (the default view of `queue list`). */
  pendingOnly: boolean;
  accountId?: string;
  limit: number;
  offset: number;
}

/** Messages, oldest first. */
export async function listOutboundMessages(db: Db, options: ListOutboundOptions): Promise<OutboundMessage[]> {
  let query = db.selectFrom('outbound_messages').selectAll();
  if (options.accountId !== undefined) query = query.where('account_id', '=', options.accountId);
  if (options.pendingOnly) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('outbound_recipients as r')
          .select('r.id')
          .whereRef('r.message_id', '=', 'outbound_messages.id')
          .where('r.status', '=', 'queued'),
      ),
    );
  }
  return query.orderBy('created_at').orderBy('id').limit(options.limit).offset(options.offset).execute();
}

/** Makes the message's queued recipients due at `now`. @returns how many recipients it touched. */
export async function rescheduleOutboundMessage(db: Db, id: string, now: number): Promise<number> {
  const result = await db
    .updateTable('outbound_recipients')
    .set({ next_attempt_at: now })
    .where('message_id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Removes a message and its recipients. @returns false when there was no such message. */
export async function deleteOutboundMessage(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('outbound_messages').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Deletes messages created before `before` that have no queued recipient left (history kept for
 * `queue list --all` until then). @returns how many messages were purged.
 */
export async function purgeFinishedOutboundMessages(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('outbound_messages')
    .where('created_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbound_recipients as r')
            .select('r.id')
            .whereRef('r.message_id', '=', 'outbound_messages.id')
            .where('r.status', '=', 'queued'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
