/**
 * When a deferred recipient is tried again, and when the queue gives up.
 *
 * Implementation notes
 * - RFC 5321 §4.5.4.1: the retry interval "SHOULD be at least 30 minutes" once a destination has
 *   failed, and giving up "needs to be at least 4-5 days". The first retries are shorter on purpose:
 *   most temporary failures are greylisting (RFC 6647 §2.1, typically 1 to 15 minutes) and a user
 *   expects a school's message to arrive within the hour. The intervals then back off to 4 hours,
 *   like Postfix's `maximal_backoff_time`, and the message is bounced after QUEUE_LIFETIME_MS.
 * - The last attempt happens at the expiry instant itself (the next attempt is capped at
 *   `expires_at`), so a destination that comes back during the last interval still gets the message.
 */

/** Delay before attempt n+2 after n+1 failed attempts; past the end, the last entry repeats. */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000, // 1 min: greylisting usually lets the second attempt through
  5 * 60_000, // 5 min
  15 * 60_000, // 15 min
  30 * 60_000, // 30 min: RFC 5321 §4.5.4.1's floor from here on
  60 * 60_000, // 1 h
  2 * 60 * 60_000, // 2 h
  4 * 60 * 60_000, // 4 h, then every 4 h
];

/** How long a message may stay queued before it is bounced with 4.4.7 (RFC 5321 §4.5.4.1: 4–5 days). */
export const QUEUE_LIFETIME_MS = 5 * 24 * 60 * 60_000;

/**
 * The instant of the next attempt after `failedAttempts` failed attempts (1 after the first failure),
 * never later than `expiresAt`.
 */
export function nextAttemptAt(failedAttempts: number, now: number, expiresAt: number): number {
  const index = Math.min(Math.max(failedAttempts, 1), RETRY_DELAYS_MS.length) - 1;
  const delay = RETRY_DELAYS_MS[index] ?? (RETRY_DELAYS_MS.at(-1) as number);
  return Math.min(now + delay, expiresAt);
}
