/**
 * Lockout expiry, session idle timeout and absolute lifetime, with a manual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCoreContext } from '../../../test/helpers/core.js';
import { testBackends } from '../../../test/helpers/database.js';
import { createAccount } from '../directory/index.js';
import { createClientThrottle } from './client-throttle.js';
import { openSession, resumeSession } from './sessions.js';
import { verifySignIn } from './sign-in.js';

describe.each(testBackends())('time limits on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  beforeEach(async () => {
    t = await buildCoreContext(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  const newUser = () =>
    createAccount(
      t.ctx,
      { firstName: 'Sylvie', lastName: 'Dupont', domain: 'ac-test.fr', password: 'Provisional-Pass-1!' },
      'test',
    );

  it('lifts the lockout by itself after 30 minutes', async () => {
    await newUser();
    const throttle = createClientThrottle({ clock: t.clock, maxFailures: 1000, windowMs: 60_000 });
    const attempt = (password: string) =>
      verifySignIn(t.ctx, throttle, { login: 'sdupont', password, client: '192.0.2.1' });
    for (let i = 0; i < 5; i++) await expect(attempt('Wrong-1!')).rejects.toThrow();
    await expect(attempt('Provisional-Pass-1!')).rejects.toMatchObject({ code: 'auth.locked' });
    t.clock.advance(30 * 60_000 - 1);
    await expect(attempt('Provisional-Pass-1!')).rejects.toMatchObject({ code: 'auth.locked' });
    t.clock.advance(1);
    await expect(attempt('Provisional-Pass-1!')).resolves.toMatchObject({
      identifier: 'sdupont',
      failed_attempts: 0,
    });
  });

  it('ends a session after 30 idle minutes, and activity extends it', async () => {
    const { account } = await newUser();
    const { token } = await openSession(t.ctx, account, { ip: null, userAgent: null });
    t.clock.advance(29 * 60_000);
    expect(await resumeSession(t.ctx, token)).toBeDefined();
    t.clock.advance(29 * 60_000);
    expect(await resumeSession(t.ctx, token)).toBeDefined();
    t.clock.advance(30 * 60_000);
    expect(await resumeSession(t.ctx, token)).toBeUndefined();
    // Gone for good, even if the clock went back.
    t.clock.advance(-60 * 60_000);
    expect(await resumeSession(t.ctx, token)).toBeUndefined();
  });

  it('ends an active session 12 hours after sign-in', async () => {
    const { account } = await newUser();
    const { token } = await openSession(t.ctx, account, { ip: null, userAgent: null });
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      t.clock.advance(20 * 60_000);
      expect(await resumeSession(t.ctx, token)).toBeDefined();
    }
    t.clock.advance(20 * 60_000);
    expect(await resumeSession(t.ctx, token)).toBeUndefined();
  });

  it('does not resume a session from a forged or oversized token', async () => {
    const { account } = await newUser();
    const { token } = await openSession(t.ctx, account, { ip: null, userAgent: null });
    expect(await resumeSession(t.ctx, `${token}x`)).toBeUndefined();
    expect(await resumeSession(t.ctx, '')).toBeUndefined();
    expect(await resumeSession(t.ctx, 'a'.repeat(10_000))).toBeUndefined();
  });
});

describe('client throttle', () => {
  it('allows exactly maxFailures, then answers the time left in the window', async () => {
    const { createManualClock } = await import('../../platform/clock.js');
    const clock = createManualClock(0);
    const throttle = createClientThrottle({ clock, maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('a')).toBe(0);
      throttle.recordFailure('a');
    }
    expect(throttle.retryAfterSeconds('a')).toBe(60);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    clock.advance(59_001);
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    clock.advance(999);
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });
});
