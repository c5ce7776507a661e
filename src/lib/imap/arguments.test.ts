/**
 * Typed argument readers: numbers, NIL, astrings, mailbox names (UTF-8, modified UTF-7, INBOX) and
 * FETCH section specifications (RFC 9051 §6.4.5, RFC 3516).
 */
import { describe, expect, it } from 'vitest';
import {
  type ImapNode,
  isNil,
  isPlainAtom,
  parseAstring,
  parseAstringText,
  parseCommand,
  parseMailboxName,
  parseNumber,
  parseNumber64,
  parseNzNumber,
  parseSectionSpec,
} from './index.js';

function args(text: string): readonly ImapNode[] {
  const result = parseCommand(`t X ${text}`);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.args;
}

function arg(text: string): ImapNode {
  const node = args(text)[0];
  if (node === undefined) throw new Error('no argument');
  return node;
}

function section(text: string): readonly ImapNode[] {
  const node = arg(text);
  if (node.type !== 'atom' || node.section === undefined) throw new Error('no section');
  return node.section;
}

describe('numbers and NIL', () => {
  it('reads number, nz-number and number64 per RFC 9051 §9', () => {
    expect(parseNumber(arg('0'))).toBe(0);
    expect(parseNumber(arg('007'))).toBe(7);
    expect(parseNumber('4294967295')).toBe(4294967295);
    expect(parseNumber('4294967296')).toBeNull();
    expect(parseNumber(arg('-1'))).toBeNull();
    expect(parseNumber(arg('"5"'))).toBeNull();
    expect(parseNumber(undefined)).toBeNull();
    expect(parseNzNumber('0')).toBeNull();
    expect(parseNzNumber('01')).toBeNull();
    expect(parseNzNumber('12')).toBe(12);
    expect(parseNumber64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseNumber64('9223372036854775808')).toBeNull();
    expect(parseNumber64(arg('20050715194045000'))).toBe(20050715194045000n);
  });

  it('tells NIL from a string "NIL" and from section atoms', () => {
    expect(isNil(arg('NIL'))).toBe(true);
    expect(isNil(arg('nil'))).toBe(true);
    expect(isNil(arg('"NIL"'))).toBe(false);
    expect(isNil(arg('BODY[]'))).toBe(false);
    expect(isPlainAtom(arg('BODY[]'))).toBe(false);
    expect(isPlainAtom(arg('FLAGS'))).toBe(true);
  });
});

describe('astrings', () => {
  it('accepts atoms, quoted strings and literals', () => {
    expect(parseAstringText(arg('INBOX'))).toEqual({ ok: true, value: 'INBOX' });
    expect(parseAstringText(arg('[Gmail]/Sent'))).toEqual({ ok: true, value: '[Gmail]/Sent' });
    expect(parseAstringText(arg('"a b"'))).toEqual({ ok: true, value: 'a b' });
    expect(parseAstringText(arg('{3}\r\nabc'))).toEqual({ ok: true, value: 'abc' });
    const latin1 = parseCommand(Buffer.from('t X {2}\r\n\xff\xfe', 'latin1'));
    expect(latin1.ok && parseAstring(latin1.value.args[0])).toEqual({
      ok: true,
      value: Buffer.from([0xff, 0xfe]),
    });
  });

  it('rejects lists, flags, wildcards, sections and binary literals', () => {
    for (const text of ['(a)', '\\Seen', 'a*', 'a%', 'BODY[]', '~{1}\r\nx']) {
      expect(parseAstring(arg(text)).ok, text).toBe(false);
    }
    expect(parseAstring(undefined).ok).toBe(false);
    expect(parseAstringText(arg('a*'), { wildcards: true })).toEqual({ ok: true, value: 'a*' });
  });

  it('requires UTF-8 for text', () => {
    const result = parseAstringText({ type: 'literal', value: Buffer.from([0xff]), binary: false });
    expect(result.ok).toBe(false);
  });
});

describe('parseMailboxName', () => {
  it('decodes modified UTF-7 for IMAP4rev1 clients (RFC 3501 §5.1.3)', () => {
    expect(parseMailboxName(arg('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), { utf8: false })).toEqual({
      ok: true,
      value: '~peter/mail/台北/日本語',
    });
    expect(parseMailboxName(arg('"Tom &- Jerry"'), { utf8: false })).toEqual({
      ok: true,
      value: 'Tom & Jerry',
    });
    const bad = parseMailboxName(arg('&U,BTFw-&ZeVnLIqe-'), { utf8: false });
    expect(!bad.ok && bad.error.code).toBe('imap.mutf7_invalid');
  });

  it('takes names as UTF-8 once UTF8=ACCEPT or IMAP4rev2 is enabled (RFC 6855 §3)', () => {
    expect(parseMailboxName(arg('"Tom & Jerry"'), { utf8: true })).toEqual({
      ok: true,
      value: 'Tom & Jerry',
    });
    expect(parseMailboxName(arg('"台北"'), { utf8: true })).toEqual({ ok: true, value: '台北' });
    expect(parseMailboxName(arg('&ZeVnLIqe-'), { utf8: true })).toEqual({ ok: true, value: '&ZeVnLIqe-' });
  });

  it('accepts valid 8-bit UTF-8 names from IMAP4rev1 clients (RFC 6855 §3 SHOULD)', () => {
    expect(parseMailboxName(arg('"Entwürfe"'), { utf8: false })).toEqual({ ok: true, value: 'Entwürfe' });
  });

  it('returns INBOX in upper case, whatever the case sent (RFC 9051 §5.1)', () => {
    expect(parseMailboxName(arg('inbox'), { utf8: false })).toEqual({ ok: true, value: 'INBOX' });
    expect(parseMailboxName(arg('"InBoX"'), { utf8: true })).toEqual({ ok: true, value: 'INBOX' });
    expect(parseMailboxName(arg('inbox/sub'), { utf8: true })).toEqual({ ok: true, value: 'inbox/sub' });
    expect(parseMailboxName(arg('inbox'), { utf8: true, wildcards: true })).toEqual({
      ok: true,
      value: 'inbox',
    });
  });

  it('rejects control characters, line and paragraph separators', () => {
    expect(parseMailboxName(arg('{3}\r\na\nb'), { utf8: true }).ok).toBe(false);
    expect(parseMailboxName(arg('"a\u0085b"'), { utf8: true }).ok).toBe(false);
    expect(parseMailboxName(arg('"a\u2028b"'), { utf8: true }).ok).toBe(false);
    expect(parseMailboxName(arg('&AAk-'), { utf8: false }).ok).toBe(false);
  });

  it('reads LIST patterns with wildcards', () => {
    expect(parseMailboxName(arg('%/&ZeVnLIqe-*'), { utf8: false, wildcards: true })).toEqual({
      ok: true,
      value: '%/日本語*',
    });
  });
});

describe('parseSectionSpec', () => {
  it.each([
    ['BODY[]', { part: [], text: null, fields: [] }],
    ['BODY[HEADER]', { part: [], text: 'HEADER', fields: [] }],
    ['BODY[text]', { part: [], text: 'TEXT', fields: [] }],
    ['BODY[1]', { part: [1], text: null, fields: [] }],
    ['BODY[1.2.3]', { part: [1, 2, 3], text: null, fields: [] }],
    ['BODY[1.2.MIME]', { part: [1, 2], text: 'MIME', fields: [] }],
    ['BODY[4.2.HEADER]', { part: [4, 2], text: 'HEADER', fields: [] }],
    ['BODY[HEADER.FIELDS (DATE FROM)]', { part: [], text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] }],
    [
      'BODY[3.HEADER.FIELDS.NOT ("X-Spam" Received)]',
      { part: [3], text: 'HEADER.FIELDS.NOT', fields: ['X-Spam', 'Received'] },
    ],
  ])('%s', (text, expected) => {
    expect(parseSectionSpec(section(text))).toEqual({ ok: true, value: expected });
  });

  it.each([
    'BODY[MIME]',
    'BODY[0]',
    'BODY[01]',
    'BODY[1.]',
    'BODY[.TEXT]',
    'BODY[1..2]',
    'BODY[HEADER.FIELDS]',
    'BODY[HEADER.FIELDS ()]',
    'BODY[HEADER.FIELDS (a:b)]',
    'BODY[HEADER (DATE)]',
    'BODY[TEXT.HEADER]',
    'BODY[(DATE)]',
    'BODY[1 2 3]',
  ])('rejects %s', (text) => {
    expect(parseSectionSpec(section(text)).ok).toBe(false);
  });

  it('reads binary sections: a part number only (RFC 3516)', () => {
    expect(parseSectionSpec(section('BINARY[1.2]'), { binary: true })).toEqual({
      ok: true,
      value: { part: [1, 2], text: null, fields: [] },
    });
    expect(parseSectionSpec(section('BINARY[]'), { binary: true }).ok).toBe(true);
    expect(parseSectionSpec(section('BINARY[1.TEXT]'), { binary: true }).ok).toBe(false);
    expect(parseSectionSpec(section('BINARY[HEADER]'), { binary: true }).ok).toBe(false);
  });
});
