import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkNamesError, parseNetworkNames, placeOf } from './index.js';

const NETWORKS = parseNetworkNames(
  '10.12.0.0/16=Collège Jean Moulin; 10.12.5.0/24 = Salle des professeurs ;2001:db8::/32=Rectorat;' +
    '192.0.2.7=Passerelle;',
);

describe('placeOf', () => {
  it.each([
    ['10.12.3.4', { kind: 'named', name: 'Collège Jean Moulin' }],
    // The most specific network wins, whatever the order of the list.
    ['10.12.5.200', { kind: 'named', name: 'Salle des professeurs' }],
    ['::ffff:10.12.5.1', { kind: 'named', name: 'Salle des professeurs' }],
    ['::FFFF:10.12.9.9', { kind: 'named', name: 'Collège Jean Moulin' }],
    ['2001:db8:12::1', { kind: 'named', name: 'Rectorat' }],
    ['2001:0DB8:ffff:ffff:ffff:ffff:ffff:ffff', { kind: 'named', name: 'Rectorat' }],
    ['192.0.2.7', { kind: 'named', name: 'Passerelle' }],
    ['192.0.2.8', { kind: 'public' }],
    ['2001:db9::1', { kind: 'public' }],
    ['10.13.0.1', { kind: 'private' }],
    ['172.16.0.1', { kind: 'private' }],
    ['172.31.255.255', { kind: 'private' }],
    ['172.32.0.1', { kind: 'public' }],
    ['192.168.1.10', { kind: 'private' }],
    ['169.254.10.1', { kind: 'private' }],
    ['fd12:3456::1', { kind: 'private' }],
    ['fe80::1%eth0', { kind: 'private' }],
    ['::ffff:192.168.0.1', { kind: 'private' }],
    ['127.0.0.1', { kind: 'loopback' }],
    ['127.255.0.9', { kind: 'loopback' }],
    ['::1', { kind: 'loopback' }],
    ['::ffff:127.0.0.1', { kind: 'loopback' }],
    ['::2', { kind: 'public' }],
    ['8.8.8.8', { kind: 'public' }],
    ['2a01:cb00::1', { kind: 'public' }],
  ])('places %s', (ip, expected) => {
    expect(placeOf(ip, NETWORKS)).toEqual(expected);
  });

  it('lets a named network override the built-in kinds', () => {
    expect(placeOf('127.0.0.1', parseNetworkNames('127.0.0.0/8=Serveur'))).toEqual({
      kind: 'named',
      name: 'Serveur',
    });
    // An IPv4-mapped network names the plain IPv4 addresses too.
    expect(placeOf('10.1.2.3', parseNetworkNames('::ffff:10.1.0.0/112=Annexe'))).toEqual({
      kind: 'named',
      name: 'Annexe',
    });
  });

  it('says nothing of what is not an address', () => {
    for (const ip of [
      null,
      undefined,
      '',
      'localhost',
      '10.0.0',
      '10.0.0.0/8',
      '1:2:3',
      '::ffff:999.1.1.1',
    ]) {
      expect(placeOf(ip, NETWORKS)).toEqual({ kind: 'public' });
    }
  });

  it('never throws, whatever the address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (ip) => {
        const place = placeOf(ip, NETWORKS);
        expect(['named', 'loopback', 'private', 'public']).toContain(place.kind);
      }),
    );
  });

  it('agrees with a plain IPv4 prefix comparison', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, net, prefix) => {
        const toInt = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
        const same = prefix === 0 || toInt(ip) >>> (32 - prefix) === toInt(net) >>> (32 - prefix);
        const place = placeOf(ip, parseNetworkNames(`${net}/${prefix}=Réseau`));
        expect(place.kind === 'named').toBe(same);
      }),
    );
  });
});

describe('parseNetworkNames', () => {
  it('reads nothing from an empty list', () => {
    expect(parseNetworkNames('')).toEqual([]);
    expect(parseNetworkNames(' ; ;')).toEqual([]);
  });

  it.each([
    ['10.0.0.0/8', 'entry 1 "10.0.0.0/8": expected CIDR=Name'],
    ['10.0.0.0/8=Lycée;10.0.0.0/33=Trop', 'entry 2 "10.0.0.0/33=Trop": "10.0.0.0/33" is not an IPv4'],
    ['2001:db8::/129=Trop', 'entry 1 "2001:db8::/129=Trop": "2001:db8::/129" is not'],
    ['10.0.0.0/8=', 'entry 1 "10.0.0.0/8=": the network has no name'],
    ['collège=10.0.0.0/8', 'entry 1 "collège=10.0.0.0/8": "collège" is not'],
    ['10.0.0.0/-1=X', '"10.0.0.0/-1" is not'],
    ['10.0.0.0/8=A\u0007B', 'control characters'],
    [`10.0.0.0/8=${'x'.repeat(101)}`, 'longer than 100 characters'],
  ])('refuses %j, naming the entry', (text, message) => {
    expect(() => parseNetworkNames(text)).toThrow(NetworkNamesError);
    expect(() => parseNetworkNames(text)).toThrow(message);
  });

  it('accepts exactly the addresses node:net accepts', () => {
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF:.%/'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.ipV4Extended(),
          fc.string({ unit: hex, maxLength: 45 }),
          fc.ipV6().map((ip) => ip.replace(/:[^:]*$/, ':1.2.3.04')),
        ),
        (address) => {
          fc.pre(!/[%/=;\s]/.test(address));
          const accepted = (() => {
            try {
              return parseNetworkNames(`${address}=Hôte`).length === 1;
            } catch {
              return false;
            }
          })();
          expect(accepted, address).toBe(isIP(address) !== 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('either reads a list or names its bad entry, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          for (const network of parseNetworkNames(text)) expect(network.name.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(NetworkNamesError);
          expect((error as Error).message).toMatch(/^entry \d+ ".*": /);
        }
      }),
    );
  });
});
