import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBody,
  decodeHeaderValue,
  decodeText,
  type MimePart,
  parseAddressList,
  parseMessage,
} from './index.js';

const SEED = 20_250_303;
const fixtures = join(import.meta.dirname, '../../../test/fixtures/eml');
const samples = readdirSync(fixtures)
  .filter((name) => name.endsWith('.eml'))
  .map((name) => readFileSync(join(fixtures, name)));

function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.children) yield* walk(child);
  if (part.message !== null) yield* walk(part.message.root);
}

/** Offsets are within the blob, ordered, and every child lies inside its parent's body. */
function checkOffsets(raw: Buffer, part: MimePart, lower: number, upper: number): void {
  expect(lower).toBeLessThanOrEqual(part.headerStart);
  expect(part.headerStart).toBeLessThanOrEqual(part.bodyStart);
  expect(part.bodyStart).toBeLessThanOrEqual(part.bodyEnd);
  expect(part.bodyEnd).toBeLessThanOrEqual(upper);
  expect(part.size).toBe(part.bodyEnd - part.bodyStart);
  let previousEnd = part.bodyStart;
  for (const child of part.children) {
    expect(child.headerStart).toBeGreaterThanOrEqual(previousEnd);
    checkOffsets(raw, child, part.bodyStart, part.bodyEnd);
    previousEnd = child.bodyEnd;
  }
  if (part.message !== null) checkOffsets(raw, part.message.root, part.bodyStart, part.bodyEnd);
}

function checkMessage(raw: Buffer): void {
  const parsed = parseMessage(raw);
  checkOffsets(raw, parsed.root, 0, raw.length);
  let count = 0;
  for (const part of walk(parsed.root)) {
    count++;
    if (part.children.length === 0 && part.message === null) {
      decodeBody(raw, part);
      decodeText(raw, part);
    }
  }
  expect(count).toBeLessThanOrEqual(2000);
  expect(parsed.textBody.length).toBeLessThanOrEqual(1024 * 1024);
  expect(parsed.preview.length).toBeLessThanOrEqual(256);
}

/** Bytes weighted towards the ones MIME syntax is made of. */
const mimeishByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(...Buffer.from('\r\n\r\n--:;="=?b?q?*\'% \t<>@,()\\')),
);
const mimeishBytes = fc.array(mimeishByte, { maxLength: 2000 }).map((bytes) => Buffer.from(bytes));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: mimeishBytes }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ kind: fc.constant('boundary' as const), at: fc.nat(), close: fc.boolean() }),
);

function mutate(raw: Buffer, mutations: MutationValue[]): Buffer {
  let out = raw;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'truncate') out = out.subarray(0, at);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    else if (m.kind === 'duplicate') out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
    else {
      const boundary = /boundary="?([^";\r\n]+)/.exec(out.toString('latin1'))?.[1] ?? 'b';
      const line = Buffer.from(`\r\n--${boundary}${m.close ? '--' : ''}\r\n`);
      out = Buffer.concat([out.subarray(0, at), line, out.subarray(at)]);
    }
  }
  return out;
}
type MutationValue = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

describe('parseMessage on hostile input (fast-check, fixed seed)', () => {
  it('never throws and keeps offsets in bounds, ordered and nested for arbitrary bytes', () => {
    fc.assert(
      fc.property(mimeishBytes, (raw) => checkMessage(raw)),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws and keeps offsets nested for mutated valid messages', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (raw, mutations) => checkMessage(mutate(raw, mutations)),
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('respects maxDepth and maxParts for deep nesting of multiparts and message/rfc822', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.boolean(), (levels, isMessage) => {
        let text = 'Content-Type: text/plain\r\n\r\nleaf';
        for (let i = 0; i < levels; i++) {
          text = isMessage
            ? `Content-Type: message/rfc822\r\n\r\n${text}`
            : `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${text}\r\n--b${i}--`;
        }
        const raw = Buffer.from(text);
        const parsed = parseMessage(raw, { maxDepth: 8, maxParts: 5 });
        checkOffsets(raw, parsed.root, 0, raw.length);
        expect([...walk(parsed.root)].length).toBeLessThanOrEqual(5);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('parses a 2 MB pathological message in under 2 s', () => {
    // Thousands of nested multiparts, delimiters that almost match, unclosed HTML and encoded words.
    let nested = '';
    for (let i = 0; i < 5000; i++)
      nested += `--a${i}\r\nContent-Type: multipart/mixed; boundary=a${i + 1}\r\n\r\n`;
    const filler = `--a0x\r\n--a\r\n<a<b<script>=?utf-8?b?${'QUFB'.repeat(10)}?=&amp;${'-'.repeat(50)}\r\n`;
    const text = `Content-Type: multipart/mixed; boundary=a0\r\nSubject: ${'=?x?q?a?= '.repeat(2000)}\r\n\r\n${nested}`;
    const raw = Buffer.concat([
      Buffer.from(text),
      Buffer.from(filler.repeat(Math.ceil(2_000_000 / filler.length))),
    ]);
    expect(raw.length).toBeGreaterThan(2_000_000);
    const started = performance.now();
    const parsed = parseMessage(raw);
    expect(performance.now() - started).toBeLessThan(2000);
    checkOffsets(raw, parsed.root, 0, raw.length);
  });

  it.each([
    ['one 2 MB folded header', `Subject: x\r\n${' =?utf-8?q?a?=\r\n'.repeat(130_000)}\r\nbody`],
    ['2 MB of unclosed HTML tags', `Content-Type: text/html\r\n\r\n${'<a<!--<script'.repeat(160_000)}`],
    [
      '2 MB of near-miss delimiters',
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--bb\r\n-\r\n--b x\r\n'.repeat(130_000)}`,
    ],
    [
      '2 MB of tiny parts',
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\n.\r\n'.repeat(200_000)}`,
    ],
  ])('parses %s in under 2 s', (_name, text) => {
    const raw = Buffer.from(text);
    expect(raw.length).toBeGreaterThan(1_900_000);
    const started = performance.now();
    const parsed = parseMessage(raw);
    expect(performance.now() - started).toBeLessThan(2000);
    checkOffsets(raw, parsed.root, 0, raw.length);
    expect([...walk(parsed.root)].length).toBeLessThanOrEqual(2000);
  });

  it('decodes any header value and address list without throwing', () => {
    fc.assert(
      fc.property(mimeishBytes, (bytes) => {
        expect(typeof decodeHeaderValue(bytes)).toBe('string');
        expect(Array.isArray(parseAddressList(bytes.toString('latin1')))).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
