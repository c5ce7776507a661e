import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address-input';
import { swapIdentityBcc } from './identity-bcc';

const archive = { name: 'Archives', email: 'archives@ac-test.fr' };
const secretariat = { name: null, email: 'secretariat@ac-test.fr' };

describe('swapIdentityBcc', () => {
  it('adds the identity’s Bcc to an empty or filled field, once', () => {
    expect(swapIdentityBcc('', null, [archive])).toBe('Archives <archives@ac-test.fr>');
    expect(swapIdentityBcc('jean.martin@ac-test.fr', [], [archive])).toBe(
      'jean.martin@ac-test.fr, Archives <archives@ac-test.fr>',
    );
    expect(swapIdentityBcc('ARCHIVES@ac-test.fr', [], [archive])).toBe('ARCHIVES@ac-test.fr');
  });

  it('swaps one identity’s addresses for another’s and keeps what the user typed', () => {
    const field = 'jean.martin@ac-test.fr, Archives <archives@ac-test.fr>, pas-encore';
    expect(swapIdentityBcc(field, [archive], [secretariat])).toBe(
      'jean.martin@ac-test.fr, secretariat@ac-test.fr, pas-encore',
    );
    expect(swapIdentityBcc(field, [archive], null)).toBe('jean.martin@ac-test.fr, pas-encore');
  });

  it('always leaves the new identity’s addresses in, and none of the old one’s not also in the new', () => {
    const address = fc
      .tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('x.fr', 'y.fr'))
      .map(([local, domain]) => ({ name: null, email: `${local}@${domain}` }));
    fc.assert(
      fc.property(fc.array(address), fc.array(address), fc.array(address), (typed, old, next) => {
        const field = typed.map((a) => a.email).join(', ');
        const result = parseAddressList(swapIdentityBcc(field, old, next)).addresses.map((a) => a.email);
        for (const a of next) expect(result).toContain(a.email);
        for (const a of old)
          if (!next.some((n) => n.email === a.email)) expect(result).not.toContain(a.email);
        // An address the field did not hold is added once, however often the identity lists it.
        for (const a of next) {
          if (!typed.some((t) => t.email === a.email))
            expect(result.filter((e) => e === a.email)).toHaveLength(1);
        }
      }),
    );
  });
});
