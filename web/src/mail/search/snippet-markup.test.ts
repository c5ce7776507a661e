import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnippet } from './snippet-markup';

describe('parseSnippet', () => {
  it('splits marks from text and unescapes the text', () => {
    expect(parseSnippet('l’<mark>École</mark> &#60;primaire&#62; &amp; co')).toEqual([
      { text: 'l’', marked: false },
      { text: 'École', marked: true },
      { text: ' <primaire> & co', marked: false },
    ]);
  });

  it('gives back the text of any escaped input, marks aside', () => {
    const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.boolean())), (parts) => {
        const html = parts.map(([t, m]) => (m ? `<mark>${escapeHtml(t)}</mark>` : escapeHtml(t))).join('');
        expect(
          parseSnippet(html)
            .map((p) => p.text)
            .join(''),
        ).toBe(parts.map(([t]) => t).join(''));
      }),
    );
  });
});
