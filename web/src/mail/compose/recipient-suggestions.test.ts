import { describe, expect, it } from 'vitest';
import { currentToken, matchRecent, mergeSuggestions, replaceToken } from './recipient-suggestions';

describe('recipient suggestions', () => {
  it('reads and replaces the recipient being typed', () => {
    expect(currentToken('Jean <jean@ac-test.fr>, syl')).toBe('syl');
    expect(currentToken('"Dupont, Sylvie" <s@a.fr>; é')).toBe('é');
    expect(currentToken('"Dupont, Syl')).toBe('"Dupont, Syl');
    expect(
      replaceToken('Jean <jean@ac-test.fr>, syl', {
        name: 'Sylvie Dupont',
        email: 'sylvie.dupont@ac-test.fr',
      }),
    ).toBe('Jean <jean@ac-test.fr>, Sylvie Dupont <sylvie.dupont@ac-test.fr>, ');
    expect(replaceToken('syl', { name: null, email: 's@a.fr' })).toBe('s@a.fr, ');
  });

  it('matches recent correspondents without accents or case', () => {
    const known = ['Éloïse Bérenger <eloise@ac-test.fr>', 'jean@ac-test.fr'];
    expect(matchRecent(known, 'BERE')).toEqual([
      { name: 'Éloïse Bérenger', email: 'eloise@ac-test.fr', detail: null, source: 'recent' },
    ]);
    expect(matchRecent(known, 'jean')).toHaveLength(1);
    expect(matchRecent(known, ' ')).toEqual([]);
  });

  it('merges recent and directory entries without duplicates or recipients already there', () => {
    const recent = matchRecent(['Sylvie Dupont <sylvie.dupont@ac-test.fr>'], 'syl');
    const merged = mergeSuggestions(
      recent,
      [
        { name: 'Sylvie Dupont', email: 'Sylvie.Dupont@ac-test.fr', establishment: 'Collège' },
        { name: 'Sylvain Durand', email: 'sylvain.durand@ac-test.fr', establishment: null },
        { name: 'Sylvère Martin', email: 'sylvere.martin@ac-test.fr', establishment: null },
      ],
      'Sylvère Martin <sylvere.martin@ac-test.fr>, syl',
    );
    expect(merged.map((s) => [s.email, s.source])).toEqual([
      ['sylvie.dupont@ac-test.fr', 'recent'],
      ['sylvain.durand@ac-test.fr', 'directory'],
    ]);
  });
});
