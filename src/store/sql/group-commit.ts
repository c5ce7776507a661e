/**
 * Group commit: concurrent write units share one transaction, so a burst of deliveries pays for one
 * durable commit instead of one each.
 *
 * Implementation notes
 * - Why: with SQLite `synchronous = FULL` a commit is an fsync, and better-sqlite3 runs it on the
 *   event loop's thread (about 0.5 ms here), during which no connection progresses. Under load,
 *   deliveries whose blobs became durable in the same turn of the event loop are written together.
 *   PostgreSQL gains too: fewer WAL flushes and fewer pooled connections held.
 * - Units queue; the first one schedules a flush on `setImmediate`, after the I/O callbacks of the
 *   current turn have had a chance to queue theirs. A flush runs up to MAX_UNITS_PER_COMMIT units in
 *   order in one transaction; units arriving meanwhile wait for the next flush.
 * - Isolation of failures: if the shared transaction fails (one unit threw, or the commit failed),
 *   nothing of it was written, and every unit is run again alone in its own transaction, so a bad
 *   unit fails only its own caller. Units must therefore be safe to run twice from the start (they
 *   are: they only write inside the transaction they are given).
 * - A unit's result is delivered only after the commit that made its writes durable.
 */
import type { Kysely, Transaction } from 'kysely';

const MAX_UNITS_PER_COMMIT = 64;

export type WriteUnit<DB, T> = (trx: Transaction<DB>) => Promise<T>;

interface Pending<DB> {
  unit: WriteUnit<DB, unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface Committer<DB> {
  queue: Pending<DB>[];
  scheduled: boolean;
  flushing: boolean;
}

/** One queue per database handle; its schema type is known only to the callers. */
const committers = new WeakMap<object, unknown>();

/** Runs `unit` in a transaction shared with other units queued at the same time on `db`. */
export function inGroupCommit<DB, T>(db: Kysely<DB>, unit: WriteUnit<DB, T>): Promise<T> {
  let committer = committers.get(db) as Committer<DB> | undefined;
  if (!committer) {
    committer = { queue: [], scheduled: false, flushing: false };
    committers.set(db, committer);
  }
  const state = committer;
  return new Promise<T>((resolve, reject) => {
    state.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
    schedule(db, state);
  });
}

function schedule<DB>(db: Kysely<DB>, state: Committer<DB>): void {
  if (state.scheduled || state.flushing || state.queue.length === 0) return;
  state.scheduled = true;
  setImmediate(() => {
    state.scheduled = false;
    state.flushing = true;
    flush(db, state.queue.splice(0, MAX_UNITS_PER_COMMIT)).finally(() => {
      state.flushing = false;
      schedule(db, state);
    });
  });
}

async function flush<DB>(db: Kysely<DB>, batch: Pending<DB>[]): Promise<void> {
  if (batch.length > 1) {
    try {
      const results = await db.transaction().execute(async (trx) => {
        const values: unknown[] = [];
        for (const pending of batch) values.push(await pending.unit(trx));
        return values;
      });
      batch.forEach((pending, index) => {
        pending.resolve(results[index]);
      });
      return;
    } catch {
      // Fall through: each unit alone, so that only the failing one reports a failure.
    }
  }
  for (const pending of batch) {
    try {
      pending.resolve(await db.transaction().execute((trx) => pending.unit(trx)));
    } catch (error) {
      pending.reject(error);
    }
  }
}
