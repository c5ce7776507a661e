/**
 * The command parser on commands from the examples of RFC 9051, RFC 3501, RFC 7162, RFC 7888,
 * RFC 3516, RFC 2971, RFC 5819/6154, and on malformed input (each a BAD with the right tag).
 */
import { describe, expect, it } from 'vitest';
import { frameCommand, type ImapCommand, type ImapNode, parseCommand } from './index.js';

function parse(text: string | Buffer): ImapCommand {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`unexpected error: ${result.error.message}`);
  return result.value;
}

function error(text: string | Buffer): { message: string; tag: string | null } {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`parsed: ${JSON.stringify(result.value)}`);
  expect(result.error.code).toBe('imap.syntax');
  return { message: result.error.message, tag: result.error.tag };
}

const atom = (value: string): ImapNode => ({ type: 'atom', value });
const quoted = (value: string): ImapNode => ({ type: 'quoted', value });
const list = (...items: ImapNode[]): ImapNode => ({ type: 'list', items });
const literal = (value: string | Buffer, binary = false): ImapNode => ({
  type: 'literal',
  value: typeof value === 'string' ? Buffer.from(value) : value,
  binary,
});

describe('parseCommand on RFC examples', () => {
  it('FETCH with BODY[HEADER.FIELDS (DATE FROM)] (RFC 3501 §6.4.5)', () => {
    expect(parse('A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])')).toEqual({
      tag: 'A654',
      name: 'FETCH',
      args: [
        atom('2:4'),
        list(atom('FLAGS'), {
          type: 'atom',
          value: 'BODY',
          section: [atom('HEADER.FIELDS'), list(atom('DATE'), atom('FROM'))],
        }),
      ],
    });
  });

  it('BODY.PEEK[1.2.MIME]<0.2048> and BODY[]', () => {
    expect(parse('a7 FETCH 1 (BODY.PEEK[1.2.MIME]<0.2048> body[])').args[1]).toEqual(
      list(
        {
          type: 'atom',
          value: 'BODY.PEEK',
          section: [atom('1.2.MIME')],
          partial: { offset: 0, length: 2048 },
        },
        { type: 'atom', value: 'body', section: [] },
      ),
    );
  });

  it('BINARY.PEEK[1]<100.200> and BINARY.SIZE[2] (RFC 3516)', () => {
    expect(parse('b FETCH 3 (BINARY.PEEK[1]<100.200> BINARY.SIZE[2])').args[1]).toEqual(
      list(
        { type: 'atom', value: 'BINARY.PEEK', section: [atom('1')], partial: { offset: 100, length: 200 } },
        { type: 'atom', value: 'BINARY.SIZE', section: [atom('2')] },
      ),
    );
  });

  it('UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345) (RFC 7162 §3.1.4.1)', () => {
    expect(parse('s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)')).toEqual({
      tag: 's100',
      name: 'UID FETCH',
      args: [atom('1:*'), list(atom('FLAGS')), list(atom('CHANGEDSINCE'), atom('12345'))],
    });
    expect(parse('A999 uid fetch 4827313:4828442 FLAGS').name).toBe('UID FETCH');
  });

  it('SEARCH CHARSET UTF-8 TEXT with a non-synchronizing literal (RFC 9051 §6.4.4, RFC 7888)', () => {
    const text = Buffer.from('台北', 'utf8');
    const command = Buffer.concat([
      Buffer.from(`A283 SEARCH CHARSET UTF-8 TEXT {${text.length}+}\r\n`),
      text,
    ]);
    expect(parse(command)).toEqual({
      tag: 'A283',
      name: 'SEARCH',
      args: [atom('CHARSET'), atom('UTF-8'), atom('TEXT'), literal(text)],
    });
  });

  it('APPEND with flags, date-time and a literal (RFC 9051 §6.3.12)', () => {
    const message =
      'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n';
    const command = `A003 APPEND saved-messages (\\Seen) "07-Feb-1994 21:52:25 -0800" {${message.length}}\r\n${message}`;
    expect(parse(command)).toEqual({
      tag: 'A003',
      name: 'APPEND',
      args: [
        atom('saved-messages'),
        list(atom('\\Seen')),
        quoted('07-Feb-1994 21:52:25 -0800'),
        literal(message),
      ],
    });
  });

  it('APPEND with a binary literal8 (RFC 3516 §4.4) and MULTIAPPEND (RFC 3502)', () => {
    const data = Buffer.from([0x61, 0x00, 0x62]);
    const command = Buffer.concat([
      Buffer.from('A003 APPEND Drafts (\\Seen $MDNSent) ~{3}\r\n'),
      data,
      Buffer.from(' {2}\r\nhi'),
    ]);
    expect(parse(command).args).toEqual([
      atom('Drafts'),
      list(atom('\\Seen'), atom('$MDNSent')),
      literal(data, true),
      literal('hi'),
    ]);
  });

  it('LIST with RETURN (SPECIAL-USE STATUS (MESSAGES)) and wildcards (RFC 5258, RFC 6154, RFC 5819)', () => {
    expect(parse('A002 LIST "" "%" RETURN (SPECIAL-USE STATUS (MESSAGES))').args).toEqual([
      quoted(''),
      quoted('%'),
      atom('RETURN'),
      list(atom('SPECIAL-USE'), atom('STATUS'), list(atom('MESSAGES'))),
    ]);
    expect(parse('A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))').args[1]).toEqual(atom('%'));
    expect(parse('A02 LIST (SUBSCRIBED) "" "*"').args[0]).toEqual(list(atom('SUBSCRIBED')));
    expect(parse('A03 LIST ~/Mail/ %/*').args).toEqual([atom('~/Mail/'), atom('%/*')]);
  });

  it('STORE +FLAGS.SILENT (\\Deleted) and keywords (RFC 9051 §6.4.6)', () => {
    expect(parse('A003 STORE 2:4 +FLAGS.SILENT (\\Deleted $Forwarded Junk)')).toEqual({
      tag: 'A003',
      name: 'STORE',
      args: [atom('2:4'), atom('+FLAGS.SILENT'), list(atom('\\Deleted'), atom('$Forwarded'), atom('Junk'))],
    });
    expect(parse('a STORE 1 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)').args[1]).toEqual(
      list(atom('UNCHANGEDSINCE'), atom('320162338')),
    );
  });

  it('SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541)) (RFC 7162 §3.2.5)', () => {
    expect(parse('A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))').args).toEqual([
      atom('INBOX'),
      list(atom('QRESYNC'), list(atom('67890007'), atom('20050715194045000'), atom('41,43:211,214:541'))),
    ]);
  });

  it('ID with a parameter list or NIL (RFC 2971)', () => {
    expect(parse('a023 ID ("name" "Thunderbird" "version" "128.0")').args).toEqual([
      list(quoted('name'), quoted('Thunderbird'), quoted('version'), quoted('128.0')),
    ]);
    expect(parse('a024 ID NIL').args).toEqual([atom('NIL')]);
  });

  it('LOGIN with quoted strings, escapes and literals (RFC 7888 §3 example)', () => {
    expect(parse('a001 LOGIN "fred \\"the\\" \\\\ smith" "p@ss w0rd"').args).toEqual([
      quoted('fred "the" \\ smith'),
      quoted('p@ss w0rd'),
    ]);
    expect(parse('A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man').args).toEqual([
      literal('FRED FOOBAR'),
      literal('fat man'),
    ]);
  });

  it('mailbox names: modified UTF-7 atoms, quoted UTF-8, [Gmail]/Sent as an atom', () => {
    expect(parse('A004 CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-').args).toEqual([
      atom('~peter/mail/&U,BTFw-/&ZeVnLIqe-'),
    ]);
    expect(parse('A005 CREATE "~peter/mail/台北/日本語"').args).toEqual([quoted('~peter/mail/台北/日本語')]);
    expect(parse('a1 SELECT [Gmail]/Sent').args).toEqual([atom('[Gmail]/Sent')]);
  });

  it('UID MOVE, UID EXPUNGE, SEARCH RETURN (SAVE) and $ (RFC 6851, RFC 4315, RFC 5182)', () => {
    expect(parse('a UID MOVE 42:69 foo')).toEqual({
      tag: 'a',
      name: 'UID MOVE',
      args: [atom('42:69'), atom('foo')],
    });
    expect(parse('a UID EXPUNGE 3000:3002').name).toBe('UID EXPUNGE');
    expect(parse('A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"').args).toEqual([
      atom('RETURN'),
      list(atom('SAVE')),
      atom('FLAGGED'),
      atom('SINCE'),
      atom('1-Feb-1994'),
      atom('NOT'),
      atom('FROM'),
      quoted('Smith'),
    ]);
    expect(parse('A283 FETCH $ (UID INTERNALDATE)').args[0]).toEqual(atom('$'));
  });

  it('section field names may be quoted strings or literals, and sections may be nested in lists', () => {
    expect(parse('a FETCH 1 BODY[HEADER.FIELDS.NOT ("X-Spam" {4}\r\nDate)]').args[1]).toEqual({
      type: 'atom',
      value: 'BODY',
      section: [atom('HEADER.FIELDS.NOT'), list(quoted('X-Spam'), literal('Date'))],
    });
    expect(parse('a FETCH 1 (BODY[1.HEADER.FIELDS (From)]<5.10> UID)').args[1]).toEqual(
      list(
        {
          type: 'atom',
          value: 'BODY',
          section: [atom('1.HEADER.FIELDS'), list(atom('From'))],
          partial: { offset: 5, length: 10 },
        },
        atom('UID'),
      ),
    );
  });

  it('accepts commands without arguments, lower-case names, bare LF after literals', () => {
    expect(parse('a1 noop')).toEqual({ tag: 'a1', name: 'NOOP', args: [] });
    expect(parse('a LOGIN {1}\nx {1}\r\ny').args).toEqual([literal('x'), literal('y')]);
  });

  it('reads tags per RFC 9051: any ASTRING-CHAR except "+"', () => {
    expect(parse('a]b.c-1_ NOOP').tag).toBe('a]b.c-1_');
    expect(parse('[x] NOOP').tag).toBe('[x]');
    expect(error('a+ NOOP')).toEqual({ message: 'Invalid tag', tag: null });
    expect(error('* NOOP').tag).toBeNull();
    expect(error('a%b NOOP').tag).toBeNull();
    expect(error('"a" NOOP').tag).toBeNull();
    expect(error('a{1} NOOP').tag).toBeNull();
    expect(error(' NOOP').tag).toBeNull();
    expect(error('').message).toBe('Empty command');
    expect(error('a1').message).toBe('Missing command name');
    expect(error('a1 ').message).toBe('Missing command name');
  });

  it('keeps huge partials exact up to 2^53 and clamps number64 values above', () => {
    expect(parse('a FETCH 1 BODY[]<0.9223372036854775807>').args[1]).toMatchObject({
      partial: { offset: 0, length: Number.MAX_SAFE_INTEGER },
    });
    expect(error('a FETCH 1 BODY[]<0.9223372036854775808>').message).toBe('Number out of range');
  });
});

describe('parseCommand rejects malformed commands with the tag for BAD', () => {
  it.each([
    ['a FETCH 1  FLAGS', 'Unexpected space'],
    ['a FETCH 1 FLAGS ', 'Missing argument'],
    ['a FETCH 1 ( FLAGS)', 'Unexpected space'],
    ['a FETCH 1 (FLAGS )', "Unexpected ')'"],
    ['a FETCH 1 (FLAGS', "Missing ')'"],
    ['a FETCH 1 FLAGS)', 'Expected a space between arguments'],
    ['a FETCH 1 (FLAGS)(UID)', 'Expected a space between arguments'],
    ['a LOGIN "fred', 'Unterminated quoted string'],
    ['a LOGIN "fr\\ed" x', 'Invalid escape in quoted string'],
    ['a LOGIN "fr\0ed" x', 'NUL in quoted string'],
    ['a LOGIN "fr\red" x', 'CR in quoted string'],
    ['a LOGIN fr"ed x', 'Unexpected character in atom'],
    ['a LOGIN fr\\ed x', 'Unexpected character in atom'],
    ['a LOGIN \\ x', 'Unexpected character'],
    ['a LOGIN fréd x', 'Unexpected character in atom'],
    ['a LOGIN fr\u0001ed x', 'Unexpected character in atom'],
    ['a LOGIN foo{3} x', 'Unexpected character in atom'],
    ['a LOGIN {3} x', 'Literal header must end the line'],
    ['a LOGIN {x}', 'Invalid literal'],
    ['a FETCH 1 BODY[TEXT', "Missing ']'"],
    ['a FETCH 1 BODY[TEXT]x', 'Unexpected character in atom'],
    ['a FETCH 1 BODY[a[b]]', "Unexpected '[' in section"],
    ['a FETCH 1 BODY[]<1>', 'Invalid partial, expected <offset.length>'],
    ['a FETCH 1 BODY[]<1.0>', 'Invalid partial, expected <offset.length>'],
    ['a FETCH 1 BINARY.SIZE[1]<0.1>', 'BINARY.SIZE takes no partial'],
    ['a FETCH(FLAGS)', 'Invalid command name'],
    ['a UID', 'UID must be followed by a command name'],
    ['a UID (FETCH)', 'UID must be followed by a command name'],
    ['a FETCH 1 )', "Unexpected ')'"],
  ])('%j → %s', (text, message) => {
    expect(error(text)).toEqual({ message, tag: 'a' });
  });

  it('rejects invalid UTF-8 in quoted strings and accepts valid UTF-8', () => {
    expect(error(Buffer.from([0x61, 0x20, 0x58, 0x20, 0x22, 0xc3, 0x28, 0x22])).message).toBe(
      'Quoted string is not valid UTF-8',
    );
    expect(error(Buffer.from([0x61, 0x20, 0x58, 0x20, 0x22, 0xed, 0xa0, 0x80, 0x22])).message).toBe(
      'Quoted string is not valid UTF-8',
    );
    expect(parse('a X "é€😀"').args).toEqual([quoted('é€😀')]);
  });

  it('rejects NUL in a plain literal but not in a literal8', () => {
    expect(error('a APPEND x {3}\r\na\0b').message).toBe('NUL in literal, send binary data as ~{n}');
    expect(parse('a APPEND x ~{3}\r\na\0b').args[1]).toEqual(literal(Buffer.from('a\0b'), true));
  });

  it('caps nesting depth', () => {
    const deep = `a X ${'('.repeat(70)}${')'.repeat(70)}`;
    expect(error(deep).message).toBe('Too deeply nested');
    expect(parseCommand(deep, { maxDepth: 100 }).ok).toBe(true);
  });

  it('checks hand-built frames', () => {
    expect(parseCommand({ lines: [Buffer.from('a X {3}')], literals: [] }).ok).toBe(false);
    expect(parseCommand({ lines: [], literals: [] })).toMatchObject({
      ok: false,
      error: { message: 'Malformed command frame', tag: null },
    });
    expect(
      parseCommand({ lines: [Buffer.from('a X {3}'), Buffer.from('')], literals: [Buffer.from('ab')] }),
    ).toMatchObject({
      ok: false,
      error: { message: 'Literal length mismatch', tag: 'a' },
    });
    expect(
      parseCommand({ lines: [Buffer.from('a X'), Buffer.from('')], literals: [Buffer.from('ab')] }),
    ).toMatchObject({
      ok: false,
      error: { message: 'Literal in an unexpected place' },
    });
  });
});

describe('frameCommand', () => {
  it('splits a flat command into lines and literals', () => {
    const framed = frameCommand(Buffer.from('a LOGIN {3}\r\nabc {2+}\nde\r\n'));
    expect(framed.ok && framed.value).toEqual({
      lines: [Buffer.from('a LOGIN {3}'), Buffer.from(' {2+}'), Buffer.from('')],
      literals: [Buffer.from('abc'), Buffer.from('de')],
    });
  });

  it('rejects truncated literals and data after the command', () => {
    expect(frameCommand(Buffer.from('a LOGIN {5}\r\nabc')).ok).toBe(false);
    expect(frameCommand(Buffer.from('a NOOP\r\nb NOOP')).ok).toBe(false);
    expect(frameCommand(Buffer.from('a NOOP\r\n')).ok).toBe(true);
  });
});
