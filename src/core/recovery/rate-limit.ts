/**
 * Rate limits of the recovery requests: per client address and per NUMEN, in fixed windows.
 *
 * Implementation notes
 * - Per NUMEN: one person's NUMEN can be tried a few times per window, whoever tries it and from
 *   however many addresses. The key is the NUMEN's keyed hash, so no NUMEN is held in clear.
 *   It is counted whether or not an account has that NUMEN, so being throttled tells nothing.
 * - Per address: higher by default than per NUMEN, since a whole school often reaches us through
 *   one address.
 * - Every request counts (not only failures, as the sign-in throttle does): a successful recovery
 *   is exactly what an attacker enumerating accounts is after.
 * - Built on the sign-in throttle (core/auth client-throttle.ts): in memory, per process, bounded.
 */
import type { Clock } from '../../platform/clock.js';
import { createClientThrottle } from '../auth/index.js';

export interface RecoveryLimits {
  perClient: number;
  perNumen: number;
  windowMs: number;
}

export interface RecoveryLimiter {
  /** Counts a request of this client; @returns seconds to wait (the request is refused) or 0. */
  takeClient(client: string): number;
  /** Counts a request for this NUMEN (its keyed hash); @returns seconds to wait or 0. */
  takeNumen(numenHash: string): number;
}

export function createRecoveryLimiter(clock: Clock, limits: RecoveryLimits): RecoveryLimiter {
  const clients = createClientThrottle({ clock, maxFailures: limits.perClient, windowMs: limits.windowMs });
  const numens = createClientThrottle({ clock, maxFailures: limits.perNumen, windowMs: limits.windowMs });
  const take = (throttle: typeof clients, key: string) => {
    const wait = throttle.retryAfterSeconds(key);
    if (wait > 0) return wait;
    throttle.recordFailure(key);
    return 0;
  };
  return {
    takeClient: (client) => take(clients, client),
    takeNumen: (numenHash) => take(numens, numenHash),
  };
}
