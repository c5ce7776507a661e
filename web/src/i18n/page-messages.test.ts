import { describe, expect, it } from 'vitest';
import { twoStepMessages } from '../auth/two-step/messages';
import type { PageMessages } from './page-messages';

/** Every page catalogue (page-messages.ts); a new lazy page with its own messages is listed here. */
const PAGE_CATALOGUES: Record<string, PageMessages<string>> = { twoStepMessages };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(Object.entries(PAGE_CATALOGUES))('page catalogue %s', (_name, messages) => {
  it('has the same keys in both languages, none empty, with the same placeholders', () => {
    expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages.fr).sort());
    for (const [key, text] of Object.entries(messages.fr)) {
      const english = messages.en[key] ?? '';
      expect(text.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(text));
    }
  });
});
