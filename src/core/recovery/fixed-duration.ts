/**
 * Answers that take the same time whatever happened: each recovery answer leaves no sooner than a
 * fixed duration after its request arrived.
 *
 * Implementation notes
 * - Doing "the same work" on both paths is not enough on its own (a database hit, a page cache, a
 *   mail composed or not): the padding hides what remains, as long as the minimum is above the
 *   slowest real path. When a real path overruns it, a warning says so, since the timing then leaks.
 * - Monotonic time (performance.now), not the injectable clock: this is about wall-clock delays on
 *   the wire, which a manual test clock would not produce.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../platform/log/index.js';

/** A moment to measure from: `performance.now()` when the request arrived. */
export type Started = number;

export function startTimer(): Started {
  return performance.now();
}

/** Runs `work`, then waits until `minMs` have passed since `started`; its result or error follows. */
export async function withFixedDuration<T>(
  started: Started,
  minMs: number,
  log: Logger,
  work: () => Promise<T>,
): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > minMs) {
    log.warn(
      { event: 'recovery.slow_answer', ms: Math.round(elapsed), minMs },
      'a recovery answer took longer than its fixed duration: raise FACTEUR_RECOVERY_MIN_RESPONSE_MS',
    );
  } else {
    await sleep(minMs - elapsed);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
