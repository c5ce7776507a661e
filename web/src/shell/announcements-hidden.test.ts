import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hide, MAX_HIDDEN, readHidden } from './announcements-hidden';

function memory(initial?: string) {
  const items = new Map<string, string>(
    initial === undefined ? [] : [['facteur.announcements.hidden', initial]],
  );
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('hidden announcements', () => {
  it('remembers closed ids, each once, and forgets the oldest beyond the bound', () => {
    const storage = memory();
    hide('a', storage);
    hide('b', storage);
    hide('a', storage);
    expect(readHidden(storage)).toEqual(['b', 'a']);
    for (let i = 0; i < MAX_HIDDEN + 5; i++) hide(`x${i}`, storage);
    const kept = readHidden(storage);
    expect(kept).toHaveLength(MAX_HIDDEN);
    expect(kept).not.toContain('a');
    expect(kept.at(-1)).toBe(`x${MAX_HIDDEN + 4}`);
  });

  it('reads anything stored there without throwing, keeping only strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (stored) => {
        const ids = readHidden(memory(stored));
        expect(Array.isArray(ids)).toBe(true);
        for (const id of ids) expect(typeof id).toBe('string');
      }),
    );
    expect(readHidden(memory('["ok", 3, null, "fine"]'))).toEqual(['ok', 'fine']);
  });
});
