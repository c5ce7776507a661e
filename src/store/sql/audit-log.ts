/**
 * Audit log repository: who did what to which object, append-only.
 *
 * Implementation notes
 * - `details` is a JSON object stored as text (portable; never queried inside) and must never contain
 *   secrets: callers pass identifiers and outcomes, not passwords, tokens, NUMEN or birth dates.
 * - Newest first means by instant, then by insertion id, so entries written in the same millisecond keep
 *   their order on both engines.
 */
import type { Kysely } from 'kysely';
import { assertPage } from './pagination.js';
import type { Database } from './schema.js';

export interface NewAuditEntry {
  at: number;
  /** Account id, `cli`, or `system`. */
  actor: string;
  /** Dot-named event from the audit catalogue, e.g. `account.unlocked`. */
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

/** An audit entry with its details parsed back. */
export interface AuditRecord extends NewAuditEntry {
  id: number;
}

export interface ListAuditOptions {
  limit: number;
  target?: string;
}

/** Appends one entry. @returns it with its id. */
export async function appendAudit(db: Kysely<Database>, entry: NewAuditEntry): Promise<AuditRecord> {
  const row = await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: entry.details === null ? null : JSON.stringify(entry.details),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...entry, id: row.id };
}

/**
 * The most recent entries, newest first, optionally only those about `target`.
 * @throws RangeError on an invalid limit (see MAX_PAGE_SIZE).
 */
export async function listAudit(db: Kysely<Database>, options: ListAuditOptions): Promise<AuditRecord[]> {
  assertPage(options.limit);
  let query = db.selectFrom('audit_log').selectAll();
  if (options.target !== undefined) query = query.where('target', '=', options.target);
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  }));
}

/** How many `action` entries about `target` were written at or after `since` (audit_log_target_idx). */
export async function countAuditSince(
  db: Kysely<Database>,
  query: { target: string; action: string; since: number },
): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('target', '=', query.target)
    .where('at', '>=', query.since)
    .where('action', '=', query.action)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** When the latest of these actions about `target` was written, or undefined. */
export async function latestAuditAt(
  db: Kysely<Database>,
  query: { target: string; actions: readonly string[] },
): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .where('target', '=', query.target)
    .where('action', 'in', [...query.actions])
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.at;
}
