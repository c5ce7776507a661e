import { describe, expect, it } from 'vitest';
import {
  compileQuery,
  foldForSearch,
  indexedWords,
  MAX_FIELD_LEXEME_BYTES,
  parseCriterion,
  searchWords,
} from './search-text.js';

describe('foldForSearch', () => {
  it.each([
    ['École ÉCOLE', 'ecole ecole'],
    ['élève Noël naïve ça', 'eleve noel naive ca'],
    ['Œuvre cœur ÆQUO', 'oeuvre coeur aequo'],
    ['Straße ẞ Øre Łódź ıi İstanbul Þór', 'strasse ss ore lodz ii istanbul thor'],
    ['ﬁchier ＡＢＣ ǅ', 'fichier abc dz'],
    ['e\u0301cole', 'ecole'],
    ['한국어', '한국어'],
  ])('folds %j to %j', (input, expected) => {
    expect(foldForSearch(input)).toBe(expected);
  });
});

describe('searchWords', () => {
  it('splits on everything but letters and digits', () => {
    expect(searchWords('rapport_2025.pdf')).toEqual(['rapport', '2025', 'pdf']);
    expect(searchWords('Sylvie Dupont <sylvie.dupont@ac-test.fr>')).toEqual([
      'sylvie',
      'dupont',
      'sylvie',
      'dupont',
      'ac',
      'test',
      'fr',
    ]);
    expect(searchWords("l'école — d’Artagnan")).toEqual(['l', 'ecole', 'd', 'artagnan']);
    expect(searchWords('*** "" \u0000')).toEqual([]);
  });
});

describe('parseCriterion', () => {
  it('makes each quoted part and each multi-word chunk a phrase', () => {
    expect(parseCriterion('conseil "de classe" jean-paul')).toEqual([
      ['conseil'],
      ['de', 'classe'],
      ['jean', 'paul'],
    ]);
  });

  it('runs an unclosed quote to the end and drops word-less chunks', () => {
    expect(parseCriterion('a "b c')).toEqual([['a'], ['b', 'c']]);
    expect(parseCriterion('"" !!! * AND')).toEqual([['and']]);
  });
});

describe('indexedWords', () => {
  it('keeps a field under the tsvector budget, counting distinct words only', () => {
    const repeated = 'mot '.repeat(300_000);
    expect(indexedWords(repeated, 2_000_000)).toHaveLength(300_000);
    const distinct = Array.from({ length: 100_000 }, (_, i) => `w${i.toString(36).padStart(8, '0')}`).join(
      ' ',
    );
    const kept = indexedWords(distinct, 2_000_000);
    expect(kept.length).toBeLessThan(100_000);
    expect(kept.length).toBeGreaterThan(MAX_FIELD_LEXEME_BYTES / 20);
  });
});

describe('compileQuery', () => {
  it('is empty for limit 0, no message ids, a word-less criterion or an over-long word', () => {
    const base = { accountId: 'a', limit: 10 };
    expect(compileQuery({ ...base, limit: 0, text: 'x' }).kind).toBe('empty');
    expect(compileQuery({ ...base, messageIds: [] }).kind).toBe('empty');
    expect(compileQuery({ ...base, text: 'x', subject: '!!!' }).kind).toBe('empty');
    expect(compileQuery({ ...base, text: `x ${'y'.repeat(129)}` }).kind).toBe('empty');
    expect(compileQuery({ ...base, text: `x ${'y'.repeat(128)}` }).kind).toBe('search');
    expect(compileQuery(base)).toEqual({
      kind: 'search',
      accountId: 'a',
      terms: [],
      messageIds: undefined,
      limit: 10,
    });
  });
});
