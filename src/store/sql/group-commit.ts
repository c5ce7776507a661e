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
 * - Announced writers: a delivery's unit is ready only after its blob is stored (several file system
 *   round trips), so under concurrent load units rarely become ready in the same turn and most
 *   commits held one unit (bench/imap-vs-dovecot.ts, 10 APPEND clients: 72 % alone). A writer that
 *   knows it will queue a unit announces it first (`announceWrite`, when the bytes start arriving);
 *   a flush then waits, at most MAX_WAIT_MS, while announced writers are still on their way, and
 *   goes as soon as the last of them has queued. A lone writer never waits (nobody else is
 *   announced), and an announcement never used (a delivery refused after its blob was stored)
 *   expires after ANNOUNCEMENT_TTL_MS, so a leak costs at most a few short waits.
 */
import type { Kysely, Transaction } from 'kysely';

const MAX_UNITS_PER_COMMIT = 64;
/** Longest a queued unit waits for announced writers before its commit starts anyway. */
const MAX_WAIT_MS = 2;
/** An announcement older than this no longer delays commits. */
const ANNOUNCEMENT_TTL_MS = 100;

/** A writer's promise to queue a unit soon: passed back to inGroupCommit, which retires it. */
export interface WriteAnnouncement {
  readonly announcedAt: number;
}

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
  writers: Set<WriteAnnouncement>;
  /** When the oldest queued unit was queued (performance.now()). */
  oldestQueuedAt: number;
  timer: NodeJS.Timeout | null;
}

/** One queue per database handle; its schema type is known only to the callers. */
const committers = new WeakMap<object, unknown>();

function committerOf<DB>(db: Kysely<DB>): Committer<DB> {
  let committer = committers.get(db) as Committer<DB> | undefined;
  if (!committer) {
    committer = {
      queue: [],
      scheduled: false,
      flushing: false,
      writers: new Set(),
      oldestQueuedAt: 0,
      timer: null,
    };
    committers.set(db, committer);
  }
  return committer;
}

/** Tells the committer of `db` that a unit will follow soon (see the notes above). */
export function announceWrite<DB>(db: Kysely<DB>): WriteAnnouncement {
  const announcement = { announcedAt: performance.now() };
  committerOf(db).writers.add(announcement);
  return announcement;
}

/**
 * Runs `unit` in a transaction shared with other units queued at the same time on `db`;
 * `announcement`, if this writer made one, is retired.
 */
export function inGroupCommit<DB, T>(
  db: Kysely<DB>,
  unit: WriteUnit<DB, T>,
  announcement?: WriteAnnouncement,
): Promise<T> {
  const state = committerOf(db);
  if (announcement) state.writers.delete(announcement);
  return new Promise<T>((resolve, reject) => {
    if (state.queue.length === 0) state.oldestQueuedAt = performance.now();
    state.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
    if (state.timer && writersOnTheirWay(state) === 0) {
      // Everyone announced has arrived: no reason to wait out the timer.
      clearTimeout(state.timer);
      state.timer = null;
      setImmediate(() => startFlush(db, state));
    }
    schedule(db, state);
  });
}

function writersOnTheirWay<DB>(state: Committer<DB>): number {
  const expired = performance.now() - ANNOUNCEMENT_TTL_MS;
  for (const writer of state.writers) if (writer.announcedAt < expired) state.writers.delete(writer);
  return state.writers.size;
}

function schedule<DB>(db: Kysely<DB>, state: Committer<DB>): void {
  if (state.scheduled || state.flushing || state.queue.length === 0) return;
  state.scheduled = true;
  setImmediate(() => startFlush(db, state));
}

function startFlush<DB>(db: Kysely<DB>, state: Committer<DB>): void {
  if (state.flushing || !state.scheduled) return;
  const waited = performance.now() - state.oldestQueuedAt;
  if (writersOnTheirWay(state) > 0 && waited < MAX_WAIT_MS) {
    state.timer ??= setTimeout(
      () => {
        state.timer = null;
        startFlush(db, state);
      },
      Math.max(0, MAX_WAIT_MS - waited),
    );
    return;
  }
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  state.scheduled = false;
  state.flushing = true;
  const batch = state.queue.splice(0, MAX_UNITS_PER_COMMIT);
  state.oldestQueuedAt = performance.now();
  flush(db, batch).finally(() => {
    state.flushing = false;
    schedule(db, state);
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
