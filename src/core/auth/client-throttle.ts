/**
 * Per-client sign-in throttle: counts failed sign-ins per client address in a fixed window.
 *
 * Implementation notes
 * - Account lockout alone lets an attacker lock every account cheaply (five guesses each); this
 *   throttle slows the attacker's address first, so lockouts of others stay rare.
 * - In-memory, per process: with several nodes behind a load balancer each node throttles on its
 *   own, which multiplies the allowance by the node count but never blocks a legitimate user more.
 *   A shared store (PostgreSQL or Redis) can replace it behind the same interface.
 * - Bounded: at most MAX_TRACKED_CLIENTS entries; the oldest window is dropped first, so a flood of
 *   spoofed addresses cannot exhaust memory.
 */
import type { Clock } from '../../platform/clock.js';

export const MAX_TRACKED_CLIENTS = 100_000;

export interface ClientThrottle {
  /** Seconds to wait before trying again, or 0 when the client may try now. */
  retryAfterSeconds(client: string): number;
  recordFailure(client: string): void;
}

export function createClientThrottle(options: {
  clock: Clock;
  maxFailures: number;
  windowMs: number;
}): ClientThrottle {
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (client: string) => {
    const entry = windows.get(client);
    if (entry && options.clock.now() - entry.start >= options.windowMs) {
      windows.delete(client);
      return undefined;
    }
    return entry;
  };
  return {
    retryAfterSeconds(client) {
      const entry = current(client);
      if (!entry || entry.failures < options.maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.start + options.windowMs - options.clock.now()) / 1000));
    },
    recordFailure(client) {
      const entry = current(client);
      if (entry) {
        entry.failures++;
        return;
      }
      if (windows.size >= MAX_TRACKED_CLIENTS) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(client, { start: options.clock.now(), failures: 1 });
    },
  };
}
