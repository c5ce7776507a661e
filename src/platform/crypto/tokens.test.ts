import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateAppPassword, keyedHash, normaliseAppPassword } from './tokens.js';

const KEY = Buffer.alloc(32, 7);

describe('app passwords', () => {
  it('are four groups of four letters, all different', () => {
    const made = new Set(Array.from({ length: 200 }, generateAppPassword));
    expect(made.size).toBe(200);
    for (const password of made) expect(password).toMatch(/^[a-z]{4}(-[a-z]{4}){3}$/);
  });

  it('match however they are typed: spaces, no dashes, capitals', () => {
    const password = generateAppPassword();
    const hash = keyedHash(KEY, 'app-password', password);
    for (const typed of [
      password.replaceAll('-', ''),
      password.replaceAll('-', ' ').toUpperCase(),
      ` ${password}\t`,
    ]) {
      expect(keyedHash(KEY, 'app-password', typed)).toBe(hash);
    }
    expect(keyedHash(KEY, 'numen', password)).not.toBe(hash);
  });

  it('are never read into anything but 16 lower-case letters, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const letters = normaliseAppPassword(input);
        if (letters !== undefined) expect(letters).toMatch(/^[a-z]{16}$/);
      }),
    );
    expect(normaliseAppPassword('abcd-efgh-ijkl-mno')).toBeUndefined();
    expect(normaliseAppPassword('abcd-efgh-ijkl-mnö')).toBeUndefined();
    expect(normaliseAppPassword('Motdepasse-solide-2026!')).toBeUndefined();
  });
});
