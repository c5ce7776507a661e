import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../common/api.js';
import { fr as frCatalogue } from './fr';
import { describeProblem, KNOWN_PROBLEM_CODES } from './problem-message';
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

  it('gives each documented code with a message of its own that message, and no other', () => {
    const message = (code: string) => frCatalogue[`problem.${code}` as keyof typeof frCatalogue];
    // Codes whose message has no placeholder to fill (those are tested one by one).
    const own = KNOWN_PROBLEM_CODES.filter((code) => message(code)?.includes('{') === false);
    expect(own.length).toBeGreaterThan(20);
    for (const code of own) {
      expect(describeProblem(problem(code, 400), fr, 'fr'), code).toBe(message(code));
    }
  });

  it('counts the second-step attempts left, singular and plural', () => {
    expect(describeProblem(problem('second_factor.invalid', 401, { attemptsLeft: 1 }), fr, 'fr')).toBe(
      'Ce code n’est pas valable. Il vous reste 1 essai.',
    );
    expect(describeProblem(problem('second_factor.invalid', 401, { attemptsLeft: 3 }), en, 'en')).toBe(
      'This code is not valid. You have 3 attempts left.',
    );
  });

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
