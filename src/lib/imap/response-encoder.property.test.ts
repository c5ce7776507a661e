/**
 * Encode → parse round trips (fast-check, fixed seed): any string or nested list the encoder writes
 * reads back, through the reader and the parser, as the same value, with or without UTF-8 enabled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CommandReader,
  encodeValue,
  type ImapNode,
  isNil,
  parseCommand,
  parseNumber,
  ResponseEncoder,
  type ResponseValue,
} from './index.js';

const SEED = 20_261_125;

const tricky = fc.constantFrom(
  '"',
  '\\',
  '\r',
  '\n',
  '\0',
  '{',
  '}',
  '~',
  ' ',
  '(',
  ')',
  '[',
  ']',
  '*',
  '%',
  '+',
  'a',
  'é',
  '😀',
  '\u0085',
  '\u2028',
  '\t',
  '\x7f',
);
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: tricky, maxLength: 20 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  fc.constantFrom('', 'NIL', 'nil', '{3}', '~{1+}', 'x'.repeat(1100), 'é'.repeat(600)),
);

type Tree = string | number | null | Tree[];
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.nat(),
    fc.constant(null),
    fc.array(tie('tree'), { maxLength: 4 }),
  ),
}));

/** Sends `t X <encoded>` through a reader that accepts every literal, then parses it. */
function readBack(encoded: Buffer): ImapNode {
  const reader = new CommandReader({ maxNonSyncLiteralSize: 0 });
  reader.push(Buffer.concat([Buffer.from('t X '), encoded, Buffer.from('\r\n')]));
  for (let event = reader.next(); event !== null; event = reader.next()) {
    if (event.type === 'literal') reader.acceptLiteral();
    if (event.type === 'error') throw new Error(event.error.message);
    if (event.type === 'command') {
      const parsed = parseCommand(event.frame);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(reader.next()).toBeNull();
      const [node, ...rest] = parsed.value.args;
      expect(rest).toEqual([]);
      if (node === undefined) throw new Error('no argument');
      return node;
    }
  }
  throw new Error('no command');
}

function toTree(node: ImapNode): Tree {
  switch (node.type) {
    case 'quoted':
      return node.value;
    case 'literal':
      return node.value.toString('utf8');
    case 'list':
      return node.items.map(toTree);
    case 'atom':
      if (isNil(node)) return null;
      return parseNumber(node) ?? `atom:${node.value}`;
  }
}

describe('encodeValue → CommandReader → parseCommand (fast-check, fixed seed)', () => {
  it('reads any string back unchanged, in every form the encoder picks', () => {
    fc.assert(
      fc.property(anyString, fc.boolean(), (value, utf8) => {
        const encoded = encodeValue(value, { utf8 });
        expect(toTree(readBack(encoded))).toBe(value);
        // Quoted output never carries a line end or NUL, and is 7-bit unless UTF-8 is enabled.
        if (encoded[0] === 0x22) {
          expect(encoded.includes(0x0d) || encoded.includes(0x0a) || encoded.includes(0)).toBe(false);
          if (!utf8) expect(encoded.every((b) => b < 0x80)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('reads any Buffer back byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.boolean(), (bytes, utf8) => {
        const value = Buffer.from(bytes);
        const node = readBack(encodeValue(value, { utf8 }));
        const back =
          node.type === 'quoted'
            ? Buffer.from(node.value, 'utf8')
            : node.type === 'literal'
              ? node.value
              : null;
        expect(back).toEqual(value);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads any nested list of strings, numbers and NIL back unchanged', () => {
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 5 }), fc.boolean(), (items, utf8) => {
        const encoded = encodeValue(items as ResponseValue, { utf8 });
        expect(toTree(readBack(encoded))).toEqual(items);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('nstring() is encode() as text: the quoted fast path changes no byte', () => {
    fc.assert(
      fc.property(fc.option(anyString), fc.boolean(), (value, utf8) => {
        const encoder = new ResponseEncoder({ utf8 });
        const expected = value === null ? 'NIL' : encoder.encode(value).toString('utf8');
        expect(encoder.nstring(value)).toBe(expected);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
