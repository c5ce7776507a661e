/**
 * The command reader: framing, literals and the continuation protocol, limits and resynchronisation,
 * raw lines, on examples from RFC 9051, RFC 7888 and RFC 3516.
 */
import { describe, expect, it } from 'vitest';
import {
  CommandReader,
  type CommandReaderLimits,
  ImapLimitError,
  parseCommand,
  type ReaderEvent,
} from './index.js';

type Decision = 'accept' | 'reject';

/** A readable transcript: commands as text (literals inline), errors by code and tag. */
function describeEvent(event: ReaderEvent): string {
  switch (event.type) {
    case 'command': {
      const parts: string[] = [];
      event.frame.lines.forEach((line, i) => {
        parts.push(line.toString('latin1'));
        const literal = event.frame.literals[i];
        if (literal !== undefined) parts.push(`<${literal.toString('latin1')}>`);
      });
      return `command ${parts.join('')}`;
    }
    case 'literal':
      return `literal ${event.tag} ${event.command} ${event.size}${event.binary ? ' binary' : ''}`;
    case 'line':
      return `line ${event.line.toString('latin1')}`;
    case 'error':
      return `error ${event.error.code} ${event.error.tag ?? '*'}${event.error.fatal ? ' fatal' : ''}`;
  }
}

function run(
  input: string | Buffer | Array<string | Buffer>,
  options: { limits?: Partial<CommandReaderLimits>; decide?: Decision | ((size: number) => Decision) } = {},
): string[] {
  const reader = new CommandReader(options.limits);
  const chunks = Array.isArray(input) ? input : [input];
  const out: string[] = [];
  for (const chunk of chunks) {
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    for (let event = reader.next(); event !== null; event = reader.next()) {
      out.push(describeEvent(event));
      if (event.type === 'literal') {
        const decide = options.decide ?? 'accept';
        const decision = typeof decide === 'function' ? decide(event.size) : decide;
        if (decision === 'accept') reader.acceptLiteral();
        else reader.rejectLiteral();
      }
    }
  }
  return out;
}

function bytewise(text: string): string[] {
  return [...Buffer.from(text, 'latin1')].map((b) => String.fromCharCode(b));
}

describe('CommandReader framing', () => {
  it('splits pipelined commands on CRLF and on bare LF', () => {
    expect(run('a1 NOOP\r\na2 CAPABILITY\na3 LOGOUT\r\n')).toEqual([
      'command a1 NOOP',
      'command a2 CAPABILITY',
      'command a3 LOGOUT',
    ]);
  });

  it('waits for the line end and gives the same events one byte at a time', () => {
    const text = 'a1 NOOP\r\na2 LOGIN {4}\r\nfred {3+}\r\nabc\r\n\r\na3 IDLE\r\n';
    const whole = run(text);
    expect(whole).toEqual([
      'command a1 NOOP',
      'literal a2 LOGIN 4',
      'command a2 LOGIN {4}<fred> {3+}<abc>',
      'command a3 IDLE',
    ]);
    expect(run(bytewise(text))).toEqual(whole);
    expect(run(['a1 NO', 'OP\r'])).toEqual([]);
  });

  it('holds a CR at a chunk end until the next byte says whether it ends the line', () => {
    expect(run(['a1 NOOP\r', '\na2 NOOP\r', '\r\n'])).toEqual(['command a1 NOOP', 'command a2 NOOP\r']);
  });

  it('skips empty lines between commands', () => {
    expect(run('\r\n\n\r\na1 NOOP\r\n\r\n')).toEqual(['command a1 NOOP']);
  });

  it('accepts Uint8Array input', () => {
    const reader = new CommandReader();
    reader.push(new TextEncoder().encode('x NOOP\r\n'));
    expect(reader.next()?.type).toBe('command');
  });
});

describe('CommandReader literals', () => {
  it('asks before a synchronizing literal and reads it after acceptLiteral (RFC 9051 §4.3)', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A003 APPEND saved-messages (\\Seen) {23}\r\n'));
    expect(reader.next()).toEqual({
      type: 'literal',
      tag: 'A003',
      command: 'APPEND',
      size: 23,
      binary: false,
    });
    expect(reader.awaitingLiteralDecision).toBe(true);
    reader.push(Buffer.from('Subject: x\r\n\r\n{5}\r\nbody\r\n'));
    // Nothing is interpreted until the server decides.
    expect(reader.next()).toBeNull();
    expect(reader.acceptLiteral()).toBe(true);
    const event = reader.next();
    expect(event?.type).toBe('command');
    if (event?.type !== 'command') return;
    expect(event.frame.literals[0]?.toString()).toBe('Subject: x\r\n\r\n{5}\r\nbody');
    const parsed = parseCommand(event.frame);
    expect(parsed.ok && parsed.value.name).toBe('APPEND');
    expect(reader.next()).toBeNull();
  });

  it('drops the command when the server refuses the literal, and reads the next line as a command', () => {
    expect(run('a1 APPEND INBOX {10}\r\na2 NOOP\r\n', { decide: 'reject' })).toEqual([
      'literal a1 APPEND 10',
      'command a2 NOOP',
    ]);
  });

  it('reads non-synchronizing literals without asking (RFC 7888 example)', () => {
    expect(run('A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n')).toEqual([
      'command A001 LOGIN {11+}<FRED FOOBAR> {7+}<fat man>',
    ]);
  });

  it('reads binary literals ~{n} and ~{n+} with NUL bytes (RFC 3516)', () => {
    const events = run(['A003 APPEND Drafts ~{3}\r\n', Buffer.from([0, 1, 0]), ' ~{2+}\r\n\0\0\r\n']);
    expect(events[0]).toBe('literal A003 APPEND 3 binary');
    expect(events[1]).toBe('command A003 APPEND Drafts ~{3}<\0\x01\0> ~{2+}<\0\0>');
  });

  it('reads a zero-length literal', () => {
    expect(run('a LOGIN {0}\r\n {0+}\r\n\r\n')).toEqual([
      'literal a LOGIN 0',
      'command a LOGIN {0}<> {0+}<>',
    ]);
  });

  it('folds UID into the command name of the literal request', () => {
    expect(run('u1 UID SEARCH TEXT {3}\r\nabc\r\n')[0]).toBe('literal u1 UID SEARCH 3');
  });

  it('refuses a synchronizing literal on a line without a valid tag', () => {
    expect(run('{5}\r\nx NOOP\r\n')).toEqual(['error imap.syntax *', 'command x NOOP']);
  });

  it('acceptLiteral and rejectLiteral do nothing when no literal is pending', () => {
    const reader = new CommandReader();
    expect(reader.acceptLiteral()).toBe(false);
    expect(reader.rejectLiteral()).toBe(false);
  });
});

describe('CommandReader server loop', () => {
  it('lets a pipelined LOGIN run before the APPEND literal it gates is decided (pull model)', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a1 LOGIN fred secret\r\na2 APPEND INBOX {4}\r\n'));
    let authenticated = false;
    const seen: string[] = [];
    for (let event = reader.next(); event !== null; event = reader.next()) {
      seen.push(describeEvent(event));
      if (event.type === 'command' && parseCommand(event.frame).ok) authenticated = true;
      if (event.type === 'literal') {
        if (authenticated) reader.acceptLiteral();
        else reader.rejectLiteral();
      }
    }
    reader.push(Buffer.from('body\r\n'));
    const last = reader.next();
    expect(seen).toEqual(['command a1 LOGIN fred secret', 'literal a2 APPEND 4']);
    expect(last?.type === 'command' && last.frame.literals[0]?.toString()).toBe('body');
  });

  it('feed() frames everything available and stops at a literal request; drain() resumes', () => {
    const reader = new CommandReader();
    expect(reader.feed(Buffer.from('a NOOP\r\nb NOOP\r\nc LOGIN {1}\r\n')).map(describeEvent)).toEqual([
      'command a NOOP',
      'command b NOOP',
      'literal c LOGIN 1',
    ]);
    expect(reader.feed(Buffer.from('x {1+}\r\ny\r\nd NOOP\r\n'))).toEqual([]);
    reader.acceptLiteral();
    expect(reader.drain().map(describeEvent)).toEqual(['command c LOGIN {1}<x> {1+}<y>', 'command d NOOP']);
  });

  it('reports the bytes it holds and the bytes not yet framed', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a APPEND INBOX {10+}\r\n12345'));
    expect(reader.bufferedBytes).toBe(27);
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.heldBytes).toBe('a APPEND INBOX {10+}'.length + 10);
  });
});

describe('CommandReader limits', () => {
  it('rejects a non-synchronizing literal over 4096 octets (LITERAL-), skipping its bytes', () => {
    const big = 'x'.repeat(5000);
    const events = run(`a1 APPEND INBOX {5000+}\r\n${big}\r\na2 NOOP\r\n`);
    expect(events).toEqual(['error imap.literal_too_large a1', 'command a2 NOOP']);
    const reader = new CommandReader();
    reader.push(Buffer.from(`a1 APPEND INBOX {5000+}\r\n${big}\r\n`));
    const error = reader.next();
    expect(error?.type === 'error' && error.error.responseCode).toBe('TOOBIG');
  });

  it('accepts big non-synchronizing literals when LITERAL+ is offered', () => {
    const big = 'x'.repeat(5000);
    const events = run(`a1 APPEND INBOX {5000+}\r\n${big}\r\n`, {
      limits: { maxNonSyncLiteralSize: 64 << 20 },
    });
    expect(events).toEqual([`command a1 APPEND INBOX {5000+}<${big}>`]);
  });

  it('refuses a synchronizing literal over maxLiteralSize without waiting for its bytes', () => {
    const reader = new CommandReader({ maxLiteralSize: 100 });
    reader.push(Buffer.from('a1 APPEND INBOX {101}\r\n'));
    const event = reader.next();
    expect(event?.type === 'error' && [event.error.code, event.error.tag, event.error.responseCode]).toEqual([
      'imap.literal_too_large',
      'a1',
      'TOOBIG',
    ]);
    expect(reader.awaitingLiteralDecision).toBe(false);
    reader.push(Buffer.from('a2 NOOP\r\n'));
    expect(reader.next()?.type).toBe('command');
  });

  it('discards an oversized non-synchronizing literal and the rest of its command, without buffering', () => {
    const limits = { maxLiteralSize: 1000, maxNonSyncLiteralSize: 1000 };
    const reader = new CommandReader(limits);
    reader.push(Buffer.from('a1 APPEND INBOX {100000+}\r\n'));
    expect(reader.next()?.type).toBe('error');
    const chunk = Buffer.alloc(1000, 0x61);
    for (let i = 0; i < 100; i++) {
      reader.push(chunk);
      expect(reader.next()).toBeNull();
      expect(reader.heldBytes).toBeLessThanOrEqual(1000);
    }
    // The command goes on after the literal, with another literal that hides a fake command.
    reader.push(Buffer.from(' {9+}\r\nb2 NOOP\r\n\r\na3 NOOP\r\n'));
    const rest = [];
    for (let event = reader.next(); event !== null; event = reader.next()) rest.push(describeEvent(event));
    expect(rest).toEqual(['command a3 NOOP']);
  });

  it('answers an over-long line at once and resynchronises at its end, without keeping it', () => {
    const reader = new CommandReader({ maxLineLength: 100 });
    reader.push(Buffer.from(`a1 SEARCH ${'X'.repeat(200)}`));
    const event = reader.next();
    expect(event?.type === 'error' && [event.error.code, event.error.tag]).toEqual([
      'imap.line_too_long',
      'a1',
    ]);
    for (let i = 0; i < 1000; i++) {
      reader.push(Buffer.alloc(1000, 0x58));
      expect(reader.next()).toBeNull();
      expect(reader.heldBytes).toBeLessThanOrEqual(100);
    }
    reader.push(Buffer.from('\r\na2 NOOP\r\n'));
    expect(reader.next()?.type).toBe('command');
  });

  it('counts the line without its line end', () => {
    expect(run('a NOOP\r\n', { limits: { maxLineLength: 6 } })).toEqual(['command a NOOP']);
    expect(run('a NOOPX\r\n', { limits: { maxLineLength: 6 } })).toEqual(['error imap.line_too_long a']);
    expect(bytewise('a NOOP\r\nb NOOPX\r\n').length).toBe(17);
    expect(run(bytewise('a NOOP\r\nb NOOPX\r\n'), { limits: { maxLineLength: 6 } })).toEqual([
      'command a NOOP',
      'error imap.line_too_long b',
    ]);
  });

  it('still honours a non-synchronizing literal announced at the end of an over-long line', () => {
    const line = `a1 APPEND INBOX ${'F'.repeat(200)} {8+}\r\nb1 NOOP\r\nc1 NOOP\r\n`;
    expect(run(line, { limits: { maxLineLength: 100 } })).toEqual([
      'error imap.line_too_long a1',
      'command c1 NOOP',
    ]);
    // Leading zeros of any length are still a literal header.
    const zeros = `a1 X ${'Y'.repeat(200)} {${'0'.repeat(300)}8+}\r\nb1 NOOP\r\nc1 NOOP\r\n`;
    expect(run(bytewise(zeros), { limits: { maxLineLength: 100 } })).toEqual([
      'error imap.line_too_long a1',
      'command c1 NOOP',
    ]);
  });

  it('ends the command after an over-long line with a synchronizing literal: the client will not send it', () => {
    const line = `a1 APPEND INBOX ${'F'.repeat(200)} {8}\r\nb1 NOOP\r\n`;
    expect(run(line, { limits: { maxLineLength: 100 } })).toEqual([
      'error imap.line_too_long a1',
      'command b1 NOOP',
    ]);
  });

  it('answers an over-long line with an unreadable tag with an untagged error', () => {
    expect(run(`${'x'.repeat(300)}\r\nb NOOP\r\n`, { limits: { maxLineLength: 100 } })).toEqual([
      'error imap.line_too_long *',
      'command b NOOP',
    ]);
  });

  it('limits the size of a whole command and the number of its literals', () => {
    const limits = { maxCommandSize: 50, maxLiteralSize: 40, maxNonSyncLiteralSize: 40 };
    expect(
      run(`a X {30+}\r\n${'z'.repeat(30)} {30+}\r\n${'z'.repeat(30)}\r\nb NOOP\r\n`, { limits }),
    ).toEqual(['error imap.literal_too_large a', 'command b NOOP']);
    expect(run(`a X ${'y'.repeat(45)} {0+}\r\n ${'y'.repeat(10)}\r\nb NOOP\r\n`, { limits })).toEqual([
      'error imap.command_too_large a',
      'command b NOOP',
    ]);
    expect(run('a X {0+}\r\n {0+}\r\n {0+}\r\n\r\nb NOOP\r\n', { limits: { maxLiterals: 2 } })).toEqual([
      'error imap.command_too_large a',
      'command b NOOP',
    ]);
  });

  it('derives maxCommandSize from maxLiteralSize unless given', () => {
    expect(new CommandReader({ maxLiteralSize: 200 << 20 }).limits.maxCommandSize).toBe(
      (200 << 20) + (1 << 20),
    );
    expect(new CommandReader({ maxLiteralSize: 10, maxCommandSize: 20 }).limits.maxCommandSize).toBe(20);
    expect(new CommandReader().limits).toEqual({
      maxLineLength: 65536,
      maxLiteralSize: 64 << 20,
      maxNonSyncLiteralSize: 4096,
      maxCommandSize: 65 << 20,
      maxLiterals: 1024,
    });
  });

  it('throws ImapLimitError on invalid limits', () => {
    expect(() => new CommandReader({ maxLineLength: -1 })).toThrow(ImapLimitError);
    expect(() => new CommandReader({ maxLiteralSize: 1.5 })).toThrow(ImapLimitError);
    expect(() => new CommandReader({ maxLiterals: Number.NaN })).toThrow(ImapLimitError);
  });

  it('refuses an absurd synchronizing size, but stops on an absurd non-synchronizing one', () => {
    expect(run('a X {99999999999999999999}\r\nb NOOP\r\n')).toEqual([
      'error imap.literal_too_large a',
      'command b NOOP',
    ]);
    const reader = new CommandReader();
    reader.push(Buffer.from('a X {99999999999999999999+}\r\nb NOOP\r\n'));
    const event = reader.next();
    expect(event?.type === 'error' && [event.error.fatal, event.error.tag]).toEqual([true, 'a']);
    expect(reader.closed).toBe(true);
    reader.push(Buffer.from('c NOOP\r\n'));
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(0);
  });
});

describe('CommandReader raw lines', () => {
  it('delivers the SASL response of AUTHENTICATE as a raw line (RFC 9051 §6.2.2)', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A001 AUTHENTICATE PLAIN\r\nAGZyZWQAc2VjcmV0\r\nA002 NOOP\r\n'));
    const first = reader.next();
    expect(first?.type).toBe('command');
    reader.expectRawLine();
    expect(reader.next()).toEqual({ type: 'line', line: Buffer.from('AGZyZWQAc2VjcmV0') });
    expect(reader.next()?.type).toBe('command');
  });

  it('delivers IDLE DONE raw even when pipelined in the same chunk, and literal-looking lines raw', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a IDLE\r\nDONE\r\n{5}\r\n'));
    expect(reader.next()?.type).toBe('command');
    reader.expectRawLine();
    expect(reader.next()).toEqual({ type: 'line', line: Buffer.from('DONE') });
    reader.expectRawLine();
    expect(reader.next()).toEqual({ type: 'line', line: Buffer.from('{5}') });
  });

  it('delivers an empty raw line (an empty SASL response)', () => {
    const reader = new CommandReader();
    reader.expectRawLine();
    reader.push(Buffer.from('\r\n'));
    expect(reader.next()).toEqual({ type: 'line', line: Buffer.alloc(0) });
  });

  it('reports an over-long raw line untagged and skips it', () => {
    const reader = new CommandReader({ maxLineLength: 10 });
    reader.expectRawLine();
    reader.push(Buffer.from(`${'A'.repeat(50)} {3+}\r\nb NOOP\r\n`));
    const event = reader.next();
    expect(event?.type === 'error' && [event.error.code, event.error.tag]).toEqual([
      'imap.line_too_long',
      null,
    ]);
    expect(reader.next()?.type).toBe('command');
  });
});

describe('CommandReader throughput', () => {
  it('frames a 10 MB APPEND in 64 KiB chunks quickly, copying the literal once', () => {
    const body = Buffer.alloc(10 << 20, 0x61);
    const reader = new CommandReader();
    const started = performance.now();
    reader.push(Buffer.from(`a APPEND INBOX {${body.length}}\r\n`));
    expect(reader.next()?.type).toBe('literal');
    reader.acceptLiteral();
    let event: ReaderEvent | null = null;
    for (let at = 0; at < body.length; at += 65536) {
      reader.push(body.subarray(at, at + 65536));
      event = reader.next();
    }
    reader.push(Buffer.from('\r\n'));
    event = reader.next();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(event?.type === 'command' && event.frame.literals[0]?.equals(body)).toBe(true);
  });

  it('skips 50 MB of an over-long line and 50 MB of a refused literal quickly', () => {
    const reader = new CommandReader();
    const chunk = Buffer.alloc(65536, 0x78);
    const started = performance.now();
    reader.push(Buffer.from('a SEARCH '));
    for (let i = 0; i < 800; i++) reader.push(chunk);
    reader.push(Buffer.from(` {${50 << 20}+}\r\n`));
    for (let i = 0; i < 800; i++) reader.push(chunk);
    reader.push(Buffer.from('\r\nb NOOP\r\n'));
    const events = reader.drain().map(describeEvent);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(events).toEqual(['error imap.line_too_long a', 'command b NOOP']);
  });

  it('handles 100 000 one-byte chunks queued before any pull in linear time', () => {
    const reader = new CommandReader();
    const text = Buffer.from('a NOOP\r\n'.repeat(12_500));
    const started = performance.now();
    for (const byte of text) reader.push(Buffer.from([byte]));
    expect(reader.drain()).toHaveLength(12_500);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
