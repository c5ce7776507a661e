/**
 * Per-client-address rate limit for the MX: a token bucket per address, refilled continuously.
 *
 * Implementation notes
 * - The threat: one host flooding our users (or our disk) with mail, from connections that each stay
 *   under the per-connection limits. Recipients are counted, not messages, since one message to 1 000
 *   local recipients costs 1 000 deliveries.
 * - Token bucket of capacity `perMinute`, refilled at `perMinute` per minute: a host may send a
 *   minute's worth at once, then at the steady rate. The answer when empty is `451 4.7.1`, a
 *   temporary refusal: a legitimate sender's queue retries later, nothing is lost.
 * - Exempt networks (this host by default: the webmail, local scripts) are never limited.
 * - Memory: one small entry per recent address; entries whose bucket is full again carry no
 *   information and are swept once the map grows past SWEEP_THRESHOLD, so a scan from many addresses
 *   cannot grow it without bound for long.
 * - Per process: each node limits on its own (a cluster-wide limit would need shared state; the
 *   per-node figure bounds the damage per node, which is what the disk and CPU care about).
 */
import { BlockList, isIPv6 } from 'node:net';

const SWEEP_THRESHOLD = 10_000;
const MINUTE_MS = 60_000;

export interface RateLimiter {
  /** Takes one token for `address`; false when its bucket is empty (and nothing is taken). */
  take(address: string, now: number): boolean;
}

export function createRateLimiter(options: { perMinute: number; exempt: readonly string[] }): RateLimiter {
  const { perMinute } = options;
  const exempt = blockListOf(options.exempt);
  const buckets = new Map<string, { tokens: number; at: number }>();

  function refilled(bucket: { tokens: number; at: number }, now: number): number {
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(perMinute, bucket.tokens + (elapsed * perMinute) / MINUTE_MS);
  }

  function sweep(now: number): void {
    for (const [address, bucket] of buckets) {
      if (refilled(bucket, now) >= perMinute) buckets.delete(address);
    }
  }

  return {
    take(address, now) {
      if (perMinute === 0 || isExempt(exempt, address)) return true;
      const bucket = buckets.get(address);
      const tokens = bucket ? refilled(bucket, now) : perMinute;
      if (tokens < 1) return false;
      buckets.set(address, { tokens: tokens - 1, at: now });
      if (buckets.size > SWEEP_THRESHOLD) sweep(now);
      return true;
    },
  };
}

function blockListOf(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [address = '', prefix] = network.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** IPv4 clients on a dual-stack socket appear as `::ffff:a.b.c.d`; they match IPv4 rules. */
function isExempt(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  return isIPv6(address) ? list.check(address, 'ipv6') : list.check(address, 'ipv4');
}
