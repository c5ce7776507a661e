import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a minute of recipients at once, then refills at the steady rate', () => {
    const limiter = createRateLimiter({ perMinute: 60, exempt: [] });
    for (let i = 0; i < 60; i++) expect(limiter.take('192.0.2.1', 0)).toBe(true);
    expect(limiter.take('192.0.2.1', 0)).toBe(false);
    expect(limiter.take('192.0.2.1', 999)).toBe(false);
    expect(limiter.take('192.0.2.1', 1_000)).toBe(true);
    expect(limiter.take('192.0.2.1', 1_000)).toBe(false);
    // Another address has its own bucket.
    expect(limiter.take('192.0.2.2', 1_000)).toBe(true);
  });

  it('never refuses exempt networks, IPv4 (also mapped into IPv6) and IPv6', () => {
    const limiter = createRateLimiter({ perMinute: 1, exempt: ['127.0.0.1/8', '::1', '2001:db8::/32'] });
    for (const address of ['127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', '::1', '2001:db8::42']) {
      for (let i = 0; i < 5; i++) expect(limiter.take(address, 0), address).toBe(true);
    }
    expect(limiter.take('::ffff:192.0.2.1', 0)).toBe(true);
    expect(limiter.take('::ffff:192.0.2.1', 0)).toBe(false);
    expect(limiter.take('2001:db9::1', 0)).toBe(true);
    expect(limiter.take('2001:db9::1', 0)).toBe(false);
  });

  it('does not limit at all with 0 per minute', () => {
    const limiter = createRateLimiter({ perMinute: 0, exempt: [] });
    for (let i = 0; i < 1_000; i++) expect(limiter.take('192.0.2.1', 0)).toBe(true);
  });

  it('grants exactly the budget plus the refill over any sequence of requests (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (perMinute, gaps) => {
          const limiter = createRateLimiter({ perMinute, exempt: [] });
          let now = 0;
          let granted = 0;
          for (const gap of gaps) {
            now += gap;
            if (limiter.take('198.51.100.7', now)) granted++;
          }
          // Never more than the initial bucket plus what the elapsed time refilled.
          expect(granted).toBeLessThanOrEqual(perMinute + Math.floor((now * perMinute) / 60_000));
          // And a request is refused only when the bucket really ran dry.
          expect(granted).toBeGreaterThanOrEqual(Math.min(gaps.length, perMinute));
        },
      ),
      { seed: 20_261_125 },
    );
  });

  it('forgets addresses whose bucket is full again once many were seen', () => {
    const limiter = createRateLimiter({ perMinute: 2, exempt: [] });
    expect(limiter.take('192.0.2.99', 0)).toBe(true);
    expect(limiter.take('192.0.2.99', 0)).toBe(true);
    // 10 001 other addresses a minute later trigger a sweep; the dry bucket refilled and was dropped.
    for (let i = 0; i < 10_001; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, 60_000);
    expect(limiter.take('192.0.2.99', 60_000)).toBe(true);
    expect(limiter.take('192.0.2.99', 60_000)).toBe(true);
    expect(limiter.take('192.0.2.99', 60_000)).toBe(false);
  });
});
