import { describe, expect, it } from 'vitest';
import { PASSWORD_SUGGESTIONS, PASSWORD_VIOLATIONS } from '../../../common/password-policy.js';
import { en } from './en';
import { fr } from './fr';
import { KNOWN_PROBLEM_CODES } from './problem-message';
import { formatMessage, readStoredLocale } from './translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('have exactly the same keys in French and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('have no empty message and the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(fr)) {
      const english = en[key as keyof typeof fr];
      expect(text.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(text));
    }
  });

  it('cover every password violation, suggestion, score and documented problem code', () => {
    const keys = new Set(Object.keys(fr));
    for (const v of PASSWORD_VIOLATIONS) {
      expect(keys.has(`rule.${v}`), v).toBe(true);
      expect(keys.has(`violation.${v}`), v).toBe(true);
    }
    for (const s of PASSWORD_SUGGESTIONS) expect(keys.has(`suggestion.${s}`), s).toBe(true);
    for (const score of [0, 1, 2, 3, 4]) expect(keys.has(`strength.${score}`)).toBe(true);
    for (const code of KNOWN_PROBLEM_CODES) {
      const found = keys.has(`problem.${code}`) || keys.has(`problem.${code}.one`);
      expect(found, code).toBe(true);
    }
  });

  it('name the language switch in the other language', () => {
    expect(fr['shell.languageSwitch']).toBe('English');
    expect(en['shell.languageSwitch']).toBe('Français');
  });
});

describe('formatMessage', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('Bonjour {name} {x}', { name: 'Sylvie' })).toBe('Bonjour Sylvie {x}');
  });
});

describe('readStoredLocale', () => {
  it('defaults to French for a missing, unknown or unreadable value', () => {
    expect(readStoredLocale(undefined)).toBe('fr');
    expect(readStoredLocale({ getItem: () => 'de' })).toBe('fr');
    expect(readStoredLocale({ getItem: () => 'en' })).toBe('en');
    expect(
      readStoredLocale({
        getItem: () => {
          throw new Error('SecurityError');
        },
      }),
    ).toBe('fr');
  });
});
