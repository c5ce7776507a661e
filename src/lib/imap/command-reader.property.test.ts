/**
 * The reader and parser on hostile input (fast-check, fixed seed): never a throw, never more memory
 * than the limits, every byte consumed, and the same events however the bytes are chunked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandReader, type CommandReaderLimits, parseCommand, type ReaderEvent } from './index.js';

const SEED = 20_261_125;

const SMALL_LIMITS: Partial<CommandReaderLimits> = {
  maxLineLength: 40,
  maxLiteralSize: 24,
  maxNonSyncLiteralSize: 12,
  maxCommandSize: 64,
  maxLiterals: 3,
};

/** Fragments IMAP commands are made of, plus arbitrary bytes. */
const fragment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'a1 ',
      'b2 ',
      'NOOP',
      'LOGIN ',
      'APPEND INBOX ',
      'UID FETCH 1:* ',
      'FETCH 1 BODY.PEEK[HEADER.FIELDS (From {2}\r\nTo)]<0.10>',
      'AUTHENTICATE PLAIN',
      'IDLE',
      'DONE',
      '{3}\r\n',
      '{0}\r\n',
      '{5+}\r\n',
      '{13+}\r\n',
      '{25}\r\n',
      '~{2}\r\n',
      '~{4+}\r\n',
      '{00000000000000000000000000000001+}\r\n',
      '{99999999999999999999}\r\n',
      '\r\n',
      '\n',
      '\r',
      ' ',
      '(',
      ')',
      '"',
      '\\',
      '[',
      ']',
      '<1.2>',
      'NIL',
      'x'.repeat(30),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
  },
);
const noise = fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(''));

/** Mostly well-formed commands, literals of every kind, raw lines after AUTHENTICATE and IDLE. */
const literalArg = fc
  .tuple(
    fc.constantFrom('', '~'),
    fc.constantFrom('', '+'),
    fc.string({ unit: 'binary-ascii', maxLength: 30 }),
  )
  .map(([tilde, plus, content]) => `${tilde}{${content.length}${plus}}\r\n${content}`);
const { arg } = fc.letrec((tie) => ({
  arg: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('INBOX', '1:*', '\\Seen', 'NIL', 'BODY[]', 'BODY.PEEK[1.MIME]<0.5>', '%', '$'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`),
    literalArg,
    fc.array(tie('arg'), { maxLength: 3 }).map((items) => `(${items.join(' ')})`),
  ),
}));
const command = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('a1', 'T.2', 'x]'),
      fc.constantFrom('LOGIN', 'APPEND', 'FETCH', 'UID STORE', 'SEARCH'),
      fc.array(arg, { maxLength: 4 }),
      fc.constantFrom('\r\n', '\n'),
    )
    .map(([tag, name, args, end]) => [tag, name, ...args].join(' ') + end),
  fc.constantFrom('a AUTHENTICATE PLAIN\r\nAGZyZWQAc2VjcmV0\r\n', 'i IDLE\r\nDONE\r\n', 'n NOOP\r\n'),
);
const commands = fc.array(fc.oneof({ weight: 5, arbitrary: command }, { weight: 1, arbitrary: noise }), {
  maxLength: 8,
});
const stream = fc
  .oneof(
    noise.map((n) => [n]),
    commands,
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

function describeEvent(event: ReaderEvent): string {
  switch (event.type) {
    case 'command': {
      const parsed = parseCommand(event.frame);
      const frame = event.frame.lines.map((l) => l.toString('hex')).join('|');
      const literals = event.frame.literals.map((l) => l.toString('hex')).join('|');
      const result = parsed.ok
        ? JSON.stringify(parsed.value)
        : `BAD ${parsed.error.tag} ${parsed.error.message}`;
      return `command ${frame} ${literals} ${result}`;
    }
    case 'literal':
      return `literal ${event.tag} ${event.command} ${event.size} ${event.binary}`;
    case 'line':
      return `line ${event.line.toString('hex')}`;
    case 'error':
      return `error ${event.error.code} ${event.error.tag} ${event.error.responseCode} ${event.error.fatal}`;
  }
}

/** Runs a server-like loop; decisions depend only on the events, as a real server's would. */
function transcript(chunks: Buffer[], limits: Partial<CommandReaderLimits>): string[] {
  const reader = new CommandReader(limits);
  const bound = reader.limits.maxCommandSize + reader.limits.maxLineLength;
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const out: string[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let event = reader.next(); event !== null; event = reader.next()) {
      out.push(describeEvent(event));
      expect(out.length).toBeLessThanOrEqual(2 * total + 2);
      expect(reader.heldBytes).toBeLessThanOrEqual(bound);
      if (event.type === 'literal') {
        if (event.size % 3 === 0) reader.rejectLiteral();
        else reader.acceptLiteral();
      } else if (event.type === 'command') {
        const parsed = parseCommand(event.frame);
        if (parsed.ok && (parsed.value.name === 'AUTHENTICATE' || parsed.value.name === 'IDLE')) {
          reader.expectRawLine();
        }
      }
    }
    expect(reader.heldBytes).toBeLessThanOrEqual(bound);
  }
  // Nothing is left unread: the loop answered every literal request.
  expect(reader.bufferedBytes).toBe(0);
  return out;
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort(
    (a, b) => a - b,
  );
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  return chunks;
}

describe('CommandReader and parseCommand on arbitrary input (fast-check, fixed seed)', () => {
  it('give the same events for any chunking, one byte at a time included, within the memory bound', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (bytes, cuts, small) => {
        const limits = small ? SMALL_LIMITS : {};
        const whole = transcript([bytes], limits);
        expect(transcript(split(bytes, cuts), limits)).toEqual(whole);
        expect(
          transcript(
            [...bytes].map((b) => Buffer.from([b])),
            limits,
          ),
        ).toEqual(whole);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('never throw on uniformly random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 6 }), (raw, cuts) => {
        const bytes = Buffer.from(raw);
        expect(transcript(split(bytes, cuts), SMALL_LIMITS)).toEqual(transcript([bytes], SMALL_LIMITS));
        expect(() => parseCommand(bytes)).not.toThrow();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('parseCommand never throws and always reports a tag it could read', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const result = parseCommand(bytes);
        if (!result.ok && result.error.tag !== null) {
          expect(bytes.toString('latin1').startsWith(`${result.error.tag} `)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
