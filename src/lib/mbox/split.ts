/**
 * Splitting an mbox stream into messages (RFC 4155, mboxo and mboxrd).
 *
 * Implementation notes
 * - A message starts at a line beginning with `From ` at the start of the file or after an empty
 *   line. Requiring the empty line (as Python's `mailbox` and mutt do in practice) keeps a body line
 *   that starts with `From ` and was not escaped from splitting a message in two.
 * - mboxrd unescaping: one `>` is removed from lines matching `^>+From `; mboxo files, which escape
 *   only `From ` to `>From `, get the same treatment, which is the usual trade-off.
 * - The empty line that separates two messages belongs to the separator, not to the message.
 * - Bytes are kept as they are otherwise (line endings included): an imported message reads back
 *   byte-identical.
 * - Streaming: memory is bounded by the largest message plus one chunk.
 */

export interface MboxMessage {
  /** The separator line without its line ending: `From sender@example.org Tue Nov 24 18:00:00 2026`. */
  fromLine: string;
  raw: Buffer;
}

const LF = 0x0a;

export async function* splitMbox(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<MboxMessage> {
  let pending = Buffer.alloc(0);
  let current: { fromLine: string; lines: Buffer[] } | null = null;
  let previousBlank = true;

  const finish = (): MboxMessage | null => {
    if (!current) return null;
    const lines = current.lines;
    const last = lines[lines.length - 1];
    // Drop the separator blank line that precedes the next "From " line (or ends the file).
    if (last !== undefined && isBlank(last)) lines.pop();
    const message = { fromLine: current.fromLine, raw: Buffer.concat(lines) };
    current = null;
    return message;
  };

  const takeLine = function* (line: Buffer): Generator<MboxMessage> {
    if (previousBlank && startsWithFrom(line)) {
      const done = finish();
      if (done) yield done;
      current = { fromLine: line.toString('latin1').replace(/\r?\n$/, ''), lines: [] };
      previousBlank = false;
      return;
    }
    previousBlank = isBlank(line);
    if (!current) return; // Text before the first separator is not a message.
    current.lines.push(unescapeFromLine(line));
  };

  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, Buffer.from(chunk)]);
    let start = 0;
    for (let i = pending.indexOf(LF, start); i !== -1; i = pending.indexOf(LF, start)) {
      yield* takeLine(pending.subarray(start, i + 1));
      start = i + 1;
    }
    pending = Buffer.from(pending.subarray(start));
  }
  if (pending.length > 0) yield* takeLine(pending);
  const done = finish();
  if (done) yield done;
}

function startsWithFrom(line: Buffer): boolean {
  return line.length >= 5 && line.toString('latin1', 0, 5) === 'From ';
}

function isBlank(line: Buffer): boolean {
  return (line.length === 1 && line[0] === LF) || (line.length === 2 && line[0] === 0x0d && line[1] === LF);
}

function unescapeFromLine(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  let i = 0;
  while (line[i] === 0x3e) i++;
  return line.toString('latin1', i, i + 5) === 'From ' ? line.subarray(1) : line;
}

/** Escapes a message for writing into an mboxrd file (the inverse of the unescaping above). */
export function escapeForMboxrd(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  return Buffer.from(text.replace(/^(>*From )/gm, '>$1'), 'latin1');
}

/** The date of the separator line (asctime after the address), as epoch ms, or null. */
export function fromLineDate(fromLine: string): number | null {
  const match = /^From \S+\s+(.+)$/.exec(fromLine);
  if (!match?.[1]) return null;
  const value = Date.parse(
    `${match[1].trim()} UTC`.replace(
      /^(\w{3}) (\w{3}) +(\d+) ([\d:]+) (\d{4}) UTC$/,
      '$1, $3 $2 $5 $4 +0000',
    ),
  );
  return Number.isNaN(value) ? null : value;
}
