import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asAddresses,
  asDate,
  asGroupedAddresses,
  asMessageIds,
  asText,
  asURLs,
  HEADER_FORMS,
  headerFormValue,
  readHeaderFields,
} from './header-forms.js';

const SEED = 20_260_302;

/** Text weighted towards what header syntax is made of. */
const headerish = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '=?',
        '?=',
        '=?UTF-8?B?',
        '=?utf-8?q?',
        '?Q?',
        '<',
        '>',
        '@',
        ',',
        ';',
        ':',
        '"',
        '\\',
        '(',
        ')',
        '\r\n ',
        '\n',
        '\t',
        '[',
        ']',
        '=C3',
        '_',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const atom = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const domain = fc.tuple(atom, fc.constantFrom('fr', 'org', 'com')).map(([a, b]) => `${a}.${b}`);
const address = fc.tuple(atom, domain).map(([local, host]) => `${local}@${host}`);
/** Display names with any characters: written as an RFC 2047 B word. */
const displayName = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 20 })
  .filter((name) => name.trim().length > 0 && !/[\r\n]/.test(name));
const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

describe('header forms on any input (fast-check, fixed seed)', () => {
  it('never throw, whatever the value and the form', () => {
    fc.assert(
      fc.property(headerish, (value) => {
        for (const form of HEADER_FORMS) headerFormValue(value, form);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('readHeaderFields never throws and gives names without colons', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        headerish,
        fc.nat(700),
        fc.nat(700),
        (bytes, text, a, b) => {
          const raw = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from(bytes)]);
          for (const field of readHeaderFields(raw, Math.min(a, b), Math.max(a, b))) {
            expect(field.name).not.toContain(':');
            expect(field.name.length).toBeGreaterThan(0);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('header forms round-trip simple values (fast-check, fixed seed)', () => {
  it('Text: an encoded word gives its text back, NFC', () => {
    fc.assert(
      fc.property(displayName, (text) => {
        expect(asText(` ${encodedWord(text)}`)).toBe(text.normalize('NFC'));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('Addresses and GroupedAddresses: a written list reads back', () => {
    const entry = fc.tuple(fc.option(displayName, { nil: null }), address);
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 5 }),
        fc.option(atom, { nil: null }),
        (entries, group) => {
          const written = entries
            .map(([name, email]) => (name === null ? email : `${encodedWord(name)} <${email}>`))
            .join(',\r\n ');
          const expected = entries.map(([name, email]) => ({
            name: name === null ? null : name.replace(/\s+/g, ' ').trim().normalize('NFC') || null,
            email,
          }));
          const value = group === null ? written : `${group}: ${written};`;
          expect(asAddresses(value)).toEqual(expected);
          expect(asGroupedAddresses(value)).toEqual([{ name: group, addresses: expected }]);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('MessageIds and URLs: written lists read back', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 6 }), (ids) => {
        expect(asMessageIds(ids.map((id) => `<${id}>`).join('\r\n '))).toEqual(ids);
        const urls = ids.map((id) => `mailto:${id}`);
        expect(asURLs(urls.map((url) => `<${url}>`).join(', '))).toEqual(urls);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('Date: an RFC 5322 date reads back as the same instant in UTC', () => {
    const instant = fc
      .integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2099, 11, 31) })
      .map((ms) => ms - (ms % 1000));
    const zone = fc.integer({ min: -12 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(instant, zone, (ms, minutes) => {
        const local = new Date(ms + minutes * 60_000);
        const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
        const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
        const two = (n: number) => String(n).padStart(2, '0');
        const offset = `${minutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(minutes) / 60))}${two(Math.abs(minutes) % 60)}`;
        const written = `${days[local.getUTCDay()]}, ${local.getUTCDate()} ${months[local.getUTCMonth()]} ${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${offset}`;
        expect(asDate(written)).toBe(new Date(ms).toISOString().replace(/\.000Z$/, 'Z'));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
