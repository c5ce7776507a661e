import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../common/api.js';
import { describeProblem } from './problem-message';
import { createTranslate } from './translate';

const problem = (code: string, status: number, extra: Partial<Problem> = {}): Problem => ({
  type: 'about:blank',
  title: 'x',
  status,
  code,
  ...extra,
});

describe('describeProblem', () => {
  const fr = createTranslate('fr');
  const en = createTranslate('en');

  it('never reveals whether the account exists on a failed sign-in', () => {
    expect(describeProblem(problem('auth.invalid', 401), fr, 'fr')).toBe(
      'Identifiant ou mot de passe incorrect.',
    );
  });

  it('says until when a locked account stays locked, in local time, and that the helpdesk can unlock it', () => {
    const text = describeProblem(
      problem('auth.locked', 423, { lockedUntil: '2025-11-25T14:35:00Z' }),
      fr,
      'fr',
    );
    expect(text).toContain('2025');
    expect(text).toContain('assistance');
    expect(describeProblem(problem('auth.locked', 423, { lockedUntil: 'garbage' }), fr, 'fr')).toContain(
      'verrouillé',
    );
  });

  it('gives the throttling delay in seconds, singular and plural', () => {
    expect(describeProblem(problem('auth.throttled', 429, { retryAfterSeconds: 42 }), en, 'en')).toContain(
      '42 seconds',
    );
    expect(describeProblem(problem('auth.throttled', 429, { retryAfterSeconds: 1 }), fr, 'fr')).toContain(
      '1 seconde ',
    );
  });

  it('falls back to a generic message carrying the code', () => {
    expect(describeProblem(problem('mailbox.unknown', 404), fr, 'fr')).toContain('mailbox.unknown');
    expect(describeProblem(problem('x.y', 503), en, 'en')).toBe(en('problem.client.server'));
  });
});
