/**
 * Response encoding: the form chosen for each string, lists, numbers, tokens, response codes and
 * text sanitising, on responses from the examples of RFC 9051, RFC 3516 and RFC 7162.
 */
import { describe, expect, it } from 'vitest';
import {
  astring,
  atom,
  binary,
  code,
  encodeValue,
  flag,
  literal,
  literal8,
  mailbox,
  ResponseEncoder,
  raw,
  string,
} from './index.js';

const text = (buffer: Buffer): string => buffer.toString('latin1');
const enc = (value: Parameters<typeof encodeValue>[0], utf8 = false): string =>
  text(encodeValue(value, { utf8 }));

describe('strings', () => {
  it('quotes printable 7-bit text, escaping " and \\', () => {
    expect(enc('hello world')).toBe('"hello world"');
    expect(enc('')).toBe('""');
    expect(enc('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(enc('NIL')).toBe('"NIL"');
  });

  it('sends CR, LF, controls and long text as literals', () => {
    expect(enc('a\r\nb')).toBe('{4}\r\na\r\nb');
    expect(enc('tab\there')).toBe('{8}\r\ntab\there');
    expect(enc('x'.repeat(1024))).toBe(`"${'x'.repeat(1024)}"`);
    expect(enc('x'.repeat(1025))).toBe(`{1025}\r\n${'x'.repeat(1025)}`);
  });

  it('quotes UTF-8 only when the client enabled UTF8=ACCEPT or IMAP4rev2 (RFC 6855 §3)', () => {
    expect(encodeValue('café')).toEqual(Buffer.from('{5}\r\ncafé'));
    expect(encodeValue('café', { utf8: true })).toEqual(Buffer.from('"café"'));
    expect(encodeValue('日本語😀', { utf8: true })).toEqual(Buffer.from('"日本語😀"'));
    // C1 controls are never quoted.
    expect(encodeValue('a\u0085b', { utf8: true })).toEqual(Buffer.from('{4}\r\na\u0085b'));
  });

  it('quotes Buffers only when they are quotable, and sends invalid UTF-8 as a literal', () => {
    expect(enc(Buffer.from('abc'))).toBe('"abc"');
    expect(encodeValue(Buffer.from([0xff, 0x41]), { utf8: true })).toEqual(
      Buffer.from([0x7b, 0x32, 0x7d, 13, 10, 0xff, 0x41]),
    );
  });

  it('sends NUL as a literal8, the only form that can carry it (RFC 3516)', () => {
    expect(enc('a\0b')).toBe('~{3}\r\na\0b');
    expect(enc(binary(Buffer.from('a\0b')))).toBe('~{3}\r\na\0b');
    expect(enc(binary(Buffer.from('ab')))).toBe('{2}\r\nab');
    expect(enc(literal8(Buffer.from('ab')))).toBe('~{2}\r\nab');
    expect(enc(literal('ab'))).toBe('{2}\r\nab');
    expect(enc(string('ab'))).toBe('"ab"');
  });

  it('encodes astrings as atoms when possible', () => {
    expect(enc(astring('INBOX'))).toBe('INBOX');
    expect(enc(astring('a b'))).toBe('"a b"');
    expect(enc(astring('nil'))).toBe('"nil"');
    expect(enc(astring(''))).toBe('""');
    expect(enc(astring('a]b'))).toBe('"a]b"');
  });

  it('encodes mailbox names in modified UTF-7 or UTF-8 depending on the client', () => {
    expect(enc(mailbox('~peter/mail/台北/日本語'))).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(encodeValue(mailbox('台北'), { utf8: true })).toEqual(Buffer.from('"台北"'));
    expect(enc(mailbox('Tom & Jerry'))).toBe('"Tom &- Jerry"');
    expect(enc(mailbox('Tom&Jerry'), true)).toBe('Tom&Jerry');
    expect(enc(mailbox('inbox'))).toBe('INBOX');
  });
});

describe('other values', () => {
  it('encodes NIL, numbers, number64 and nested lists', () => {
    expect(enc(null)).toBe('NIL');
    expect(enc(0)).toBe('0');
    expect(enc(4294967295)).toBe('4294967295');
    expect(enc(9223372036854775807n)).toBe('9223372036854775807');
    expect(enc([])).toBe('()');
    expect(enc([1, ['a', null, [atom('X')]], flag('\\Seen')])).toBe('(1 ("a" NIL (X)) \\Seen)');
  });

  it('refuses values that are not IMAP', () => {
    expect(() => enc(-1)).toThrow(RangeError);
    expect(() => enc(1.5)).toThrow(RangeError);
    expect(() => enc(2n ** 63n)).toThrow(RangeError);
    expect(() => atom('a b')).toThrow(RangeError);
    expect(() => atom('')).toThrow(RangeError);
    expect(() => atom('é')).toThrow(RangeError);
    expect(() => flag('\\')).toThrow(RangeError);
    expect(() => flag('a*')).toThrow(RangeError);
    expect(() => raw('a\r\nb')).toThrow(RangeError);
    expect(() => raw('')).toThrow(RangeError);
    expect(() => code('A B')).toThrow(RangeError);
  });

  it('accepts flags, keywords and \\* (RFC 9051 §7.1 PERMANENTFLAGS)', () => {
    expect(enc([flag('\\Answered'), flag('$Forwarded'), flag('\\*')])).toBe('(\\Answered $Forwarded \\*)');
  });
});

describe('ResponseEncoder lines', () => {
  const encoder = new ResponseEncoder();

  it('builds a FETCH response with a section item and a literal body (RFC 9051 §7.5.2)', () => {
    const body = Buffer.from('Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\r\n');
    expect(
      text(
        encoder.untagged(12, atom('FETCH'), [
          atom('FLAGS'),
          [flag('\\Seen')],
          raw('BODY[HEADER]'),
          literal(body),
        ]),
      ),
    ).toBe(`* 12 FETCH (FLAGS (\\Seen) BODY[HEADER] {${body.length}}\r\n${body.toString()})\r\n`);
  });

  it('builds BINARY responses with literal8 for NUL content (RFC 3516 §4.2)', () => {
    expect(
      text(encoder.untagged(1, atom('FETCH'), [raw('BINARY[1]'), binary(Buffer.from([0x61, 0, 0x62]))])),
    ).toBe('* 1 FETCH (BINARY[1] ~{3}\r\na\0b)\r\n');
  });

  it('builds status responses with response codes', () => {
    expect(text(encoder.status('OK', 'Predicted next UID', code('UIDNEXT', 4392)))).toBe(
      '* OK [UIDNEXT 4392] Predicted next UID\r\n',
    );
    expect(
      text(
        encoder.status(
          'OK',
          'Limited',
          code('PERMANENTFLAGS', [flag('\\Deleted'), flag('\\Seen'), flag('\\*')]),
        ),
      ),
    ).toBe('* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n');
    expect(text(encoder.tagged('A003', 'OK', 'APPEND completed', code('APPENDUID', 38505, 3955)))).toBe(
      'A003 OK [APPENDUID 38505 3955] APPEND completed\r\n',
    );
    expect(
      text(encoder.tagged('a', 'OK', 'Done', code('COPYUID', 38505, atom('304,319:320'), atom('3956:3958')))),
    ).toBe('a OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n');
    expect(
      text(encoder.tagged('A1', 'NO', 'Unknown charset', code('BADCHARSET', ['UTF-8', atom('US-ASCII')]))),
    ).toBe('A1 NO [BADCHARSET ("UTF-8" US-ASCII)] Unknown charset\r\n');
    expect(text(encoder.tagged('a', 'OK', 'Conditional STORE', code('HIGHESTMODSEQ', 715194045007n)))).toBe(
      'a OK [HIGHESTMODSEQ 715194045007] Conditional STORE\r\n',
    );
    expect(text(encoder.tagged('a', 'OK', 'Done', code('READ-WRITE')))).toBe('a OK [READ-WRITE] Done\r\n');
    expect(text(encoder.status('BYE', 'Autologout; idle for too long'))).toBe(
      '* BYE Autologout; idle for too long\r\n',
    );
    expect(text(encoder.status('PREAUTH', ''))).toBe('* PREAUTH Ready\r\n');
  });

  it('sanitises response text: no line ends, no controls, no fake response code', () => {
    expect(text(encoder.tagged('a', 'NO', 'bad\r\n* OK [ALERT] pwned'))).toBe(
      'a NO bad  * OK [ALERT] pwned\r\n',
    );
    expect(text(encoder.tagged('a', 'NO', '[ALERT] pwned'))).toBe('a NO (ALERT] pwned\r\n');
    expect(text(encoder.tagged('a', 'NO', '[ALERT] real', code('ALERT')))).toBe(
      'a NO [ALERT] [ALERT] real\r\n',
    );
    expect(text(encoder.tagged('a', 'NO', 'nul\0here\u0085'))).toBe('a NO nul here \r\n');
    expect(text(encoder.tagged('a', 'OK', ''))).toBe('a OK Completed\r\n');
    expect(text(encoder.tagged('a', 'NO', 'Boîte pleine'))).toBe('a NO Bo?te pleine\r\n');
    expect(new ResponseEncoder({ utf8: true }).tagged('a', 'NO', 'Boîte pleine')).toEqual(
      Buffer.from('a NO Boîte pleine\r\n'),
    );
    expect(text(encoder.tagged('a', 'NO', 'lone \ud800'))).toBe('a NO lone ?\r\n');
  });

  it('refuses response code arguments that cannot be carried', () => {
    expect(() => encoder.tagged('a', 'NO', 'x', code('X', 'a]b'))).toThrow(RangeError);
    expect(() => encoder.tagged('a', 'NO', 'x', code('X', literal('ab')))).toThrow(RangeError);
    expect(() => encoder.tagged('a', 'NO', 'x', code('X', 'a\r\nb'))).toThrow(RangeError);
    expect(text(encoder.tagged('a', 'NO', 'x', code('X', 'y'.repeat(2000))))).toContain(
      `"${'y'.repeat(2000)}"`,
    );
  });

  it('refuses invalid tags', () => {
    expect(() => encoder.tagged('a+', 'OK', 'x')).toThrow(RangeError);
    expect(() => encoder.tagged('', 'OK', 'x')).toThrow(RangeError);
    expect(() => encoder.tagged('a b', 'OK', 'x')).toThrow(RangeError);
    expect(text(encoder.tagged('a]', 'OK', 'x'))).toBe('a] OK x\r\n');
  });

  it('builds continuation requests, including an empty SASL challenge', () => {
    expect(text(encoder.continuation('Ready for literal data'))).toBe('+ Ready for literal data\r\n');
    expect(text(encoder.continuation())).toBe('+ \r\n');
    expect(text(encoder.continuation('idling\r\nx'))).toBe('+ idling  x\r\n');
  });

  it('follows the utf8 switch set after ENABLE', () => {
    const session = new ResponseEncoder();
    expect(text(session.untagged(atom('LIST'), [], '/', mailbox('台北')))).toBe('* LIST () "/" &U,BTFw-\r\n');
    session.utf8 = true;
    expect(session.untagged(atom('LIST'), [], '/', mailbox('台北'))).toEqual(
      Buffer.from('* LIST () "/" "台北"\r\n'),
    );
  });
});
