import { describe, expect, it } from 'vitest';
import { nextAttemptAt, QUEUE_LIFETIME_MS, RETRY_DELAYS_MS } from './retry-schedule.js';

const MINUTE = 60_000;
const FAR = 10 * QUEUE_LIFETIME_MS;

describe('retry schedule', () => {
  it('waits 1, 5, 15, 30 min, 1, 2, 4 h, then every 4 h', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 30].map((failed) => nextAttemptAt(failed, 0, FAR))).toEqual([
      MINUTE,
      5 * MINUTE,
      15 * MINUTE,
      30 * MINUTE,
      60 * MINUTE,
      120 * MINUTE,
      240 * MINUTE,
      240 * MINUTE,
      240 * MINUTE,
    ]);
    expect(RETRY_DELAYS_MS).toHaveLength(7);
  });

  it('never schedules past the expiry, so the last attempt happens at the expiry instant', () => {
    expect(nextAttemptAt(8, QUEUE_LIFETIME_MS - MINUTE, QUEUE_LIFETIME_MS)).toBe(QUEUE_LIFETIME_MS);
    expect(nextAttemptAt(1, 0, 30_000)).toBe(30_000);
  });

  it('gives up after five days, within RFC 5321 §4.5.4.1’s 4–5 days', () => {
    expect(QUEUE_LIFETIME_MS).toBe(5 * 24 * 60 * MINUTE);
  });
});
