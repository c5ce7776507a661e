import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForMboxrd, flagsFromStatusHeaders, fromLineDate, splitMbox } from './index.js';

async function collect(input: Buffer, chunkSize = 7) {
  async function* chunks() {
    for (let i = 0; i < input.length; i += chunkSize) yield input.subarray(i, i + chunkSize);
  }
  const out = [];
  for await (const m of splitMbox(chunks())) out.push(m);
  return out;
}

describe('splitMbox', () => {
  it('splits on From lines after a blank line and unescapes >From', async () => {
    const mbox = Buffer.from(
      'From a@example.org Tue Nov 24 18:00:00 2026\nSubject: one\n\nHello\n>From the start\n>>From deeper\n\nFrom b@example.org Wed Nov 25 09:00:00 2026\nSubject: two\n\nBye\n\n',
    );
    const messages = await collect(mbox);
    expect(messages.map((m) => m.fromLine)).toEqual([
      'From a@example.org Tue Nov 24 18:00:00 2026',
      'From b@example.org Wed Nov 25 09:00:00 2026',
    ]);
    expect(messages[0]?.raw.toString()).toBe('Subject: one\n\nHello\nFrom the start\n>From deeper\n');
    expect(messages[1]?.raw.toString()).toBe('Subject: two\n\nBye\n');
  });

  it('keeps an unescaped From line that does not follow a blank line inside the message', async () => {
    const messages = await collect(
      Buffer.from('From x Tue Nov 24 18:00:00 2026\nSubject: s\n\nline\nFrom here on\n'),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.raw.toString()).toBe('Subject: s\n\nline\nFrom here on\n');
  });

  it('keeps CRLF line endings byte for byte', async () => {
    const messages = await collect(
      Buffer.from('From x Tue Nov 24 18:00:00 2026\r\nSubject: s\r\n\r\nbody\r\n\r\n'),
    );
    expect(messages[0]?.raw.toString()).toBe('Subject: s\r\n\r\nbody\r\n');
  });

  it('round-trips any messages through escapeForMboxrd, whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'F', 'r', 'o', 'm', ' ', '>', '\n', 'é') }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 64 }),
        async (bodies, chunkSize) => {
          // Messages end with a newline, as a mail file writer guarantees.
          const messages = bodies.map((b) => Buffer.from(`Subject: x\n\n${b.replace(/\n*$/, '')}\n`));
          const mbox = Buffer.concat(
            messages.flatMap((m) => [
              Buffer.from('From a@b Tue Nov 24 18:00:00 2026\n'),
              escapeForMboxrd(m),
              Buffer.from('\n'),
            ]),
          );
          const parsed = await collect(mbox, chunkSize);
          expect(parsed.map((p) => p.raw.toString())).toEqual(messages.map((m) => m.toString()));
        },
      ),
      { seed: 20261125, numRuns: 300 },
    );
  });
});

describe('flagsFromStatusHeaders', () => {
  it('reads Status and X-Status from the header block only', () => {
    expect(
      flagsFromStatusHeaders(Buffer.from('Status: RO\nX-Status: AF\nSubject: s\n\nStatus: D\n')),
    ).toEqual({
      seen: true,
      answered: true,
      flagged: true,
      draft: false,
      deleted: false,
    });
    expect(flagsFromStatusHeaders(Buffer.from('Status: O\n\n'))).toMatchObject({ seen: false });
  });
});

describe('fromLineDate', () => {
  it('parses the asctime date of the separator line', () => {
    expect(fromLineDate('From a@example.org Tue Nov 24 18:00:00 2026')).toBe(
      Date.UTC(2026, 10, 24, 18, 0, 0),
    );
    expect(fromLineDate('From a@example.org  Tue Nov  3 08:05:09 2026')).toBe(Date.UTC(2026, 10, 3, 8, 5, 9));
    expect(fromLineDate('From MAILER-DAEMON garbage')).toBeNull();
  });
});
