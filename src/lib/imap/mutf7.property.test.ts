/**
 * Modified UTF-7 properties (fast-check, fixed seed): round trip on any Unicode string, printable
 * output, strict decoding accepting exactly the canonical forms, every invalid form rejected.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMutf7, encodeMutf7, Mutf7Error } from './index.js';

const SEED = 20_261_125;

const nameChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom('&', '-', '&-', 'A', ',', '+', '/', ' ', '~', '\t', '\0', '台', '😀', 'é'),
);
const name = fc.array(nameChar, { maxLength: 20 }).map((parts) => parts.join(''));
/** Non-empty text with no printable ASCII: one modified BASE64 run once encoded. */
const run = fc
  .array(
    fc.oneof(
      fc.constantFrom('\t', '\0', 'é', '台', '😀', '\u007f'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((parts) => parts.join('').replace(/[\u0020-\u007e]/g, 'é'));

/** Modified BASE64 of UTF-16BE code units, minimal, no padding. */
function base64Run(units: number[]): string {
  const bytes = Buffer.alloc(units.length * 2);
  for (const [i, unit] of units.entries()) bytes.writeUInt16BE(unit, i * 2);
  return bytesRun(bytes);
}

function bytesRun(bytes: Buffer): string {
  return `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
}

describe('modified UTF-7 (fast-check, fixed seed)', () => {
  it('decode(encode(s)) = s, and the encoding is printable ASCII', () => {
    fc.assert(
      fc.property(name, (text) => {
        const encoded = encodeMutf7(text);
        expect(/^[\x20-\x7e]*$/.test(encoded)).toBe(true);
        expect(decodeMutf7(encoded)).toBe(text);
        expect(decodeMutf7(encoded, { lenient: true })).toBe(text);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('strict decoding accepts only canonical encodings; lenient decoding never throws', () => {
    const piece = fc.oneof(
      fc.constantFrom('&', '-', '&-', 'a', ' ', 'A', 'Jjo', 'U,BTFw', '+', ',', '0', 'AAk', '2D0', '3gA'),
      fc.string({ unit: fc.constantFrom(...'ABCabc019+,&-'.split('')), maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const candidate = pieces.join('');
        const lenient = decodeMutf7(candidate, { lenient: true });
        let strict: string;
        try {
          strict = decodeMutf7(candidate);
        } catch (error) {
          expect(error).toBeInstanceOf(Mutf7Error);
          return;
        }
        expect(encodeMutf7(strict)).toBe(candidate);
        expect(lenient).toBe(strict);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('rejects every non-canonical or invalid form', () => {
    const invalid = fc.oneof(
      // An extra BASE64 character: odd bytes or non-minimal.
      run.map((text) => encodeMutf7(text).replace(/-$/, 'A-')),
      // Two adjacent runs: a null shift.
      fc.tuple(run, run).map(([a, b]) => encodeMutf7(a) + encodeMutf7(b)),
      // Printable ASCII inside BASE64.
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => base64Run([c])),
      fc
        .tuple(
          fc.array(fc.integer({ min: 0x80, max: 0xd7ff }), { maxLength: 4 }),
          fc.integer({ min: 0x20, max: 0x7e }),
          fc.nat(),
        )
        .map(([units, c, at]) => base64Run(units.toSpliced(at % (units.length + 1), 0, c))),
      // Unpaired surrogates.
      fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => base64Run([u])),
      fc.integer({ min: 0xd800, max: 0xdbff }).map((u) => base64Run([u, 0x00e9])),
      // Odd byte counts.
      fc
        .uint8Array({ minLength: 1, maxLength: 9 })
        .filter((b) => b.length % 2 === 1)
        .map((b) => bytesRun(Buffer.from(b))),
      // Characters outside the modified BASE64 alphabet.
      fc
        .tuple(run, fc.constantFrom('/', '=', '!', '.', '_'))
        .map(([text, bad]) => encodeMutf7(text).replace(/-$/, `${bad}-`)),
      // A run left open at the end.
      run.map((text) => encodeMutf7(text).slice(0, -1)),
      // Non-zero padding bits in the last character.
      run
        .map((text) => encodeMutf7(text))
        .filter((encoded) => ((encoded.length - 2) * 6) % 8 !== 0)
        .map((encoded) => {
          const last = encoded.charCodeAt(encoded.length - 2);
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
          const value = alphabet.indexOf(String.fromCharCode(last));
          return `${encoded.slice(0, -2)}${alphabet[value ^ 1]}-`;
        }),
      // 8-bit and control characters.
      fc.constantFrom('café', 'a\tb', 'a\u007fb', '日本'),
    );
    fc.assert(
      fc.property(invalid, (encoded) => {
        expect(() => decodeMutf7(encoded)).toThrow(Mutf7Error);
        expect(() => decodeMutf7(encoded, { lenient: true })).not.toThrow();
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
