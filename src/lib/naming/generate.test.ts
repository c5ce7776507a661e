import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressLocalPartBase,
  identifierBase,
  MAX_LOCAL_PART_LENGTH,
  NamingError,
  nextAddressLocalPart,
  nextIdentifier,
} from './index.js';

describe('identifierBase', () => {
  it.each([
    ['Sylvie', 'Dupont', 'sdupont'],
    ['Éloïse', 'Bérenger-Lévy', 'eberengerlevy'],
    ['Jean-Pierre', "D'Artagnan", 'jdartagnan'],
    ['Anne-Sophie', 'Le Gall', 'alegall'],
    ['Pieter', 'van der Berg', 'pvanderberg'],
    ['José', 'Ñúñez', 'jnunez'],
    ['François', 'Œuvray', 'foeuvray'],
    ['Ömer', 'Çelik', 'ocelik'],
    ['Łukasz', 'Straße', 'lstrasse'],
    ['  Marie ', ' Curie ', 'mcurie'],
  ])('%s %s gives %s', (first, last, expected) => {
    expect(identifierBase(first, last)).toBe(expected);
  });

  it('refuses names with no Latin letter or digit', () => {
    expect(() => identifierBase('李', '王')).toThrow(NamingError);
    expect(() => identifierBase('Anne', "'-")).toThrow(NamingError);
  });
});

describe('addressLocalPartBase', () => {
  it.each([
    ['Sylvie', 'Dupont', 'sylvie.dupont'],
    ['Éloïse', 'Bérenger-Lévy', 'eloise.berenger-levy'],
    ['Jean-Pierre', "D'Artagnan", 'jean-pierre.dartagnan'],
    ['Anne-Sophie', 'Le Gall', 'anne-sophie.le-gall'],
    ['Pieter', 'van der Berg', 'pieter.van-der-berg'],
    ['José', 'Ñúñez', 'jose.nunez'],
    ['François', 'Œuvray', 'francois.oeuvray'],
    ['Ömer', 'Çelik', 'omer.celik'],
    ['Marie--Claire', ' Dupont - Aignan ', 'marie-claire.dupont-aignan'],
  ])('%s %s gives %s', (first, last, expected) => {
    expect(addressLocalPartBase(first, last)).toBe(expected);
  });
});

describe('homonyms', () => {
  it('numbers identifiers from 1 and addresses from 2', () => {
    expect(nextIdentifier('sdupont', [])).toBe('sdupont');
    expect(nextIdentifier('sdupont', ['sdupont'])).toBe('sdupont1');
    expect(nextIdentifier('sdupont', ['sdupont', 'sdupont1'])).toBe('sdupont2');
    expect(nextAddressLocalPart('sylvie.dupont', [])).toBe('sylvie.dupont');
    expect(nextAddressLocalPart('sylvie.dupont', ['sylvie.dupont'])).toBe('sylvie.dupont2');
    expect(nextAddressLocalPart('sylvie.dupont', ['sylvie.dupont', 'sylvie.dupont2'])).toBe('sylvie.dupont3');
  });

  it('takes the smallest free number and ignores unrelated names sharing the prefix', () => {
    expect(nextIdentifier('sdupont', ['sdupont', 'sdupont2', 'sdupontel'])).toBe('sdupont1');
    expect(
      nextAddressLocalPart('sylvie.dupont', ['sylvie.dupont', 'sylvie.dupont3', 'sylvie.dupont-aignan']),
    ).toBe('sylvie.dupont2');
  });

  it('compares taken names case-insensitively', () => {
    expect(nextIdentifier('sdupont', ['SDupont'])).toBe('sdupont1');
  });
});

describe('properties', () => {
  it('identifiers and local parts are short ASCII or a NamingError, whatever the names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (first, last) => {
        for (const make of [identifierBase, addressLocalPartBase]) {
          try {
            const value = make(first, last);
            expect(value).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
            expect(value.length).toBeLessThanOrEqual(MAX_LOCAL_PART_LENGTH - 4);
            expect(value).not.toMatch(/\.\.|^\.|\.$|-\.|\.-/);
          } catch (error) {
            expect(error).toBeInstanceOf(NamingError);
          }
        }
      }),
      { seed: 20261125, numRuns: 500 },
    );
  });

  it('the next name is never one already taken', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 30 }), (numbers) => {
        const taken = numbers.map((n) => (n === 0 ? 'abc' : `abc${n}`));
        expect(taken).not.toContain(nextIdentifier('abc', taken));
        expect(taken).not.toContain(nextAddressLocalPart('abc', taken));
      }),
      { seed: 20261125 },
    );
  });
});
