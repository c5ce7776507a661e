/**
 * Sequence sets: strict syntax (RFC 9051 §9), `*` against the mailbox, `$` (RFC 5182), and
 * agreement with a naive expansion on random sets (fast-check, fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSequenceSet,
  parseCommand,
  parseSequenceSet,
  type SequenceSet,
  sequenceSetIncludes,
} from './index.js';

const SEED = 20_261_125;

function ranges(text: string, max: number): Array<[number, number]> {
  const result = parseSequenceSet(text, { max });
  if (!result.ok) throw new Error(result.error.message);
  if (result.value.kind !== 'set') throw new Error('saved');
  return result.value.ranges.map((r) => [r.start, r.end]);
}

describe('parseSequenceSet', () => {
  it('resolves *, sorts, merges overlapping and adjacent ranges', () => {
    expect(ranges('1:*,3,5:7', 10)).toEqual([[1, 10]]);
    expect(ranges('7:5,1,2,9', 100)).toEqual([
      [1, 2],
      [5, 7],
      [9, 9],
    ]);
    expect(ranges('*', 42)).toEqual([[42, 42]]);
    expect(ranges('41,43:211,214:541', 1000)).toEqual([
      [41, 41],
      [43, 211],
      [214, 541],
    ]);
    expect(ranges('1:4294967295', 5)).toEqual([[1, 4294967295]]);
  });

  it('makes n:* include the last number even when n is above it (RFC 9051 §6.4.9)', () => {
    expect(ranges('559:*', 100)).toEqual([[100, 559]]);
  });

  it('resolves * to nothing in an empty mailbox, and reports that it was used', () => {
    expect(parseSequenceSet('*', { max: 0 })).toEqual({
      ok: true,
      value: { kind: 'set', ranges: [], star: true },
    });
    expect(parseSequenceSet('3', { max: 0 })).toEqual({
      ok: true,
      value: { kind: 'set', ranges: [{ start: 3, end: 3 }], star: false },
    });
  });

  it('accepts $ only when SEARCHRES is offered, and only as the whole set', () => {
    expect(parseSequenceSet('$', { max: 5, allowSaved: true })).toEqual({
      ok: true,
      value: { kind: 'saved' },
    });
    expect(parseSequenceSet('$', { max: 5 }).ok).toBe(false);
    expect(parseSequenceSet('$,1', { max: 5, allowSaved: true }).ok).toBe(false);
  });

  it.each([
    '',
    '0',
    '01',
    '1:0',
    '1,,2',
    '1:',
    ':1',
    '1:2:3',
    '4294967296',
    '-1',
    '1.5',
    'a',
    ' 1',
    '*:*:*',
    '1,',
  ])('rejects %j', (text) => {
    expect(parseSequenceSet(text, { max: 10 }).ok).toBe(false);
  });

  it('reads the atom of a parsed command and refuses other nodes', () => {
    const parsed = parseCommand('a FETCH 1:*,3 (FLAGS) "1"');
    if (!parsed.ok) throw new Error('parse');
    expect(parseSequenceSet(parsed.value.args[0], { max: 3 }).ok).toBe(true);
    expect(parseSequenceSet(parsed.value.args[1], { max: 3 }).ok).toBe(false);
    expect(parseSequenceSet(parsed.value.args[2], { max: 3 }).ok).toBe(false);
    expect(parseSequenceSet(undefined, { max: 3 }).ok).toBe(false);
  });

  it('throws on an invalid max (a bug in the caller)', () => {
    expect(() => parseSequenceSet('1', { max: -1 })).toThrow(RangeError);
    expect(() => parseSequenceSet('1', { max: 2 ** 32 })).toThrow(RangeError);
  });

  it('formats ranges back', () => {
    expect(
      formatSequenceSet([
        { start: 1, end: 1 },
        { start: 3, end: 5 },
      ]),
    ).toBe('1,3:5');
  });
});

describe('parseSequenceSet against a naive expansion (fast-check)', () => {
  const seqNumber = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
    { weight: 1, arbitrary: fc.constant('*') },
  );
  const item = fc.oneof(
    seqNumber,
    fc.tuple(seqNumber, seqNumber).map(([a, b]) => `${a}:${b}`),
  );
  const setText = fc.array(item, { minLength: 1, maxLength: 8 }).map((items) => items.join(','));

  function naive(text: string, max: number): Set<number> {
    const out = new Set<number>();
    const value = (s: string): number => (s === '*' ? max : Number(s));
    for (const part of text.split(',')) {
      const [a = '', b = a] = part.split(':');
      const low = Math.min(value(a), value(b));
      const high = Math.max(value(a), value(b));
      for (let n = low; n <= high; n++) if (n >= 1) out.add(n);
    }
    return out;
  }

  it('has the same members, in sorted disjoint non-adjacent ranges', () => {
    fc.assert(
      fc.property(setText, fc.integer({ min: 0, max: 45 }), (text, max) => {
        const result = parseSequenceSet(text, { max });
        expect(result.ok).toBe(true);
        if (!result.ok || result.value.kind !== 'set') return;
        const set: Extract<SequenceSet, { kind: 'set' }> = result.value;
        const expected = naive(text, max);
        for (let n = 0; n <= 50; n++) expect(sequenceSetIncludes(set.ranges, n)).toBe(expected.has(n));
        expect(set.star).toBe(text.includes('*'));
        for (let i = 1; i < set.ranges.length; i++) {
          const previous = set.ranges[i - 1];
          const current = set.ranges[i];
          if (previous === undefined || current === undefined) continue;
          expect(current.start).toBeGreaterThan(previous.end + 1);
        }
        for (const range of set.ranges) expect(range.start).toBeLessThanOrEqual(range.end);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('rejects any item that is not a valid seq-number or range', () => {
    const junk = fc.string({ unit: fc.constantFrom(...'0123456789:,*$-. a'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(junk, (text) => {
        const result = parseSequenceSet(text, { max: 10 });
        const valid =
          /^(?:(?:[1-9]\d*|\*)(?::(?:[1-9]\d*|\*))?)(?:,(?:[1-9]\d*|\*)(?::(?:[1-9]\d*|\*))?)*$/.test(text);
        const inRange = text.split(/[,:]/).every((n) => n === '*' || Number(n) <= 4294967295);
        expect(result.ok).toBe(valid && inRange);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
