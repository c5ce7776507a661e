import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddressList, parseAddressList } from './address-input';

describe('parseAddressList', () => {
  it('reads names, quoted names with commas, bare addresses, both separators', () => {
    expect(
      parseAddressList(
        'Jean Martin <jean.martin@ac-test.fr>, "Dupont, Sylvie" <sylvie.dupont@ac-test.fr>; paul@example.org',
      ),
    ).toEqual({
      addresses: [
        { name: 'Jean Martin', email: 'jean.martin@ac-test.fr' },
        { name: 'Dupont, Sylvie', email: 'sylvie.dupont@ac-test.fr' },
        { name: null, email: 'paul@example.org' },
      ],
      invalid: [],
    });
  });

  it('gives back what is not an address', () => {
    expect(parseAddressList('jean, paul@example.org, <x@y>').invalid).toEqual(['jean', '<x@y>']);
    expect(parseAddressList('  ,; ').addresses).toEqual([]);
  });

  it('reads back what it formats', () => {
    const name = fc.option(
      fc.string().filter((s) => s.trim() === s && !/[\\<>\r\n]/.test(s) && s !== ''),
      { nil: null },
    );
    const local = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/);
    const domain = fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, email: fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`) }), {
          maxLength: 5,
        }),
        (list) => {
          expect(parseAddressList(formatAddressList(list))).toEqual({ addresses: list, invalid: [] });
        },
      ),
    );
  });
});
