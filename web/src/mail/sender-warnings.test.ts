import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName, senderWarnings } from './sender-warnings';

const names = new Set(['elodie martin', 'jean pierre durand']);

describe('senderWarnings', () => {
  it('says nothing of an internal sender, including a subdomain', () => {
    expect(
      senderWarnings({ name: 'Élodie Martin', email: 'elodie.martin@ac-test.fr' }, 'ac-test.fr', names),
    ).toEqual({
      external: false,
      impersonation: false,
    });
    expect(senderWarnings({ name: null, email: 'x@lycee.ac-test.fr' }, 'ac-test.fr', names).external).toBe(
      false,
    );
  });

  it('marks an outside sender external, and a look-alike domain too', () => {
    expect(senderWarnings({ name: 'Newsletter', email: 'news@example.org' }, 'ac-test.fr', names)).toEqual({
      external: true,
      impersonation: false,
    });
    expect(senderWarnings({ name: null, email: 'a@ac-test.fr.evil.com' }, 'ac-test.fr', names).external).toBe(
      true,
    );
    expect(senderWarnings({ name: null, email: 'a@xac-test.fr' }, 'ac-test.fr', names).external).toBe(true);
  });

  it('flags an outside sender using an internal name, whatever its case and accents', () => {
    const from = { name: 'ELODIE  MARTIN', email: 'elodie.martin.ac@gmail.com' };
    expect(senderWarnings(from, 'ac-test.fr', names).impersonation).toBe(true);
    const hyphen = { name: 'Jean-Pierre Durand', email: 'jp@gmail.com' };
    expect(senderWarnings(hyphen, 'ac-test.fr', names).impersonation).toBe(true);
  });

  it('flags an outside sender whose name holds an internal address', () => {
    const from = { name: 'recteur@ac-test.fr', email: 'attacker@evil.example' };
    expect(senderWarnings(from, 'ac-test.fr', names).impersonation).toBe(true);
  });

  it('normalizes names idempotently', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(normalizeName(normalizeName(s))).toBe(normalizeName(s));
      }),
    );
  });
});
