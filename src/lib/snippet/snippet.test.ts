import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highlightAll, highlightExcerpt, matchRanges, searchTerms } from './snippet.js';

const unmarked = (html: string) => html.replace(/<\/?mark>/g, '');
const unescapeHtml = (html: string) =>
  html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('searchTerms', () => {
  it('folds words, keeps quoted phrases, drops one-letter words', () => {
    expect(searchTerms(['École "conseil de classe" a'])).toEqual(['conseil de classe', 'ecole']);
    expect(searchTerms(['Œuvre', 'oeuvre'])).toEqual(['oeuvre']);
  });
});

describe('highlight', () => {
  it('marks a word whatever its accents and case', () => {
    expect(highlightAll('Rentrée à l’École primaire', searchTerms(['ecole']))).toBe(
      'Rentrée à l’<mark>École</mark> primaire',
    );
    expect(highlightAll('Une ŒUVRE', searchTerms(['oeuvre']))).toBe('Une <mark>ŒUVRE</mark>');
    expect(highlightAll('Rien ici', searchTerms(['ecole']))).toBeNull();
  });

  it('escapes everything but the marks', () => {
    expect(highlightAll('<b>école</b> & "x"', searchTerms(['ecole']))).toBe(
      '&#60;b&#62;<mark>école</mark>&#60;/b&#62; &#38; &#34;x&#34;',
    );
  });

  it('cuts a long body around the first match, on words', () => {
    const body = `${'avant '.repeat(60)}la réunion des parents ${'après '.repeat(60)}`;
    const excerpt = highlightExcerpt(body, searchTerms(['reunion'])) as string;
    expect(excerpt.startsWith('…avant')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).toContain('la <mark>réunion</mark> des parents');
    expect(unmarked(excerpt).length).toBeLessThan(200);
  });

  it('never lets markup through and keeps the text, for any input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.array(fc.string(), { maxLength: 3 }),
        (text, queries) => {
          const terms = searchTerms(queries);
          const all = highlightAll(text, terms);
          if (all !== null) {
            expect(unescapeHtml(unmarked(all))).toBe(text);
            expect(unmarked(all)).not.toMatch(/[<>"']/);
          }
          const excerpt = highlightExcerpt(text, terms);
          if (excerpt !== null) expect(unmarked(excerpt)).not.toMatch(/[<>"']/);
        },
      ),
    );
  });

  it('marks only where a term occurs once folded', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('é', 'e', 'É', 'E'), (text, letter) => {
        for (const [a, b] of matchRanges(text, ['e'])) {
          expect(b).toBeGreaterThan(a);
          expect(text.slice(a, b).normalize('NFD').toLowerCase()[0]).toBe('e');
        }
        expect(matchRanges(`x${letter}x`, ['e'])).toEqual([[1, 2]]);
      }),
    );
  });
});
