import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodeText, findPart, getHeaders, type MimePart, parseMessage } from './index.js';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/eml');

function load(name: string): Buffer {
  return readFileSync(join(fixtures, name));
}

function body(raw: Buffer, part: MimePart | null | undefined): string {
  if (part === null || part === undefined) throw new Error('no such part');
  return raw.subarray(part.bodyStart, part.bodyEnd).toString('latin1');
}

describe('parseMessage on hand-written fixtures', () => {
  it('reads a simple UTF-8 text message, its envelope and decoded fields', () => {
    const raw = load('simple-text.eml');
    const parsed = parseMessage(raw);
    expect(parsed.root).toMatchObject({
      partId: '',
      type: 'text',
      subtype: 'plain',
      encoding: '8bit',
      lines: 2,
    });
    expect(parsed.root.params).toEqual({ charset: 'utf-8' });
    expect(raw.subarray(parsed.root.bodyStart, parsed.root.bodyEnd)).toEqual(
      Buffer.from('Bonjour Jean,\r\nLe conseil a lieu à 17 h.\r\n', 'utf8'),
    );
    expect(parsed.envelope.from).toEqual([
      { name: 'Sylvie Dupont', adl: null, mailbox: 'sylvie.dupont', host: 'ac-exemple.fr' },
    ]);
    expect(parsed.envelope.sender).toEqual(parsed.envelope.from);
    expect(parsed.envelope.messageId).toBe('<conseil-1@ac-exemple.fr>');
    expect(parsed.messageId).toBe('conseil-1@ac-exemple.fr');
    expect(parsed.sentAt).toBe(Date.UTC(2025, 2, 3, 13, 5, 0));
    expect(parsed.sender).toEqual([]);
    expect(parsed.textBody).toBe('Bonjour Jean,\r\nLe conseil a lieu à 17 h.\r\n');
    expect(parsed.preview).toBe('Bonjour Jean, Le conseil a lieu à 17 h.');
    expect(findPart(parsed.root, '1')).toBe(parsed.root);
    expect(getHeaders(raw, parsed.root).map((h) => h.name)).toEqual([
      'From',
      'To',
      'Subject',
      'Date',
      'Message-ID',
      'Content-Type',
      'Content-Transfer-Encoding',
    ]);
  });

  it('keeps the plain branch of multipart/alternative as text and decodes an RFC 2047 subject', () => {
    const raw = load('multipart-alternative.eml');
    const parsed = parseMessage(raw);
    expect(parsed.subject).toBe('Réunion des parents');
    expect(parsed.envelope.subject).toBe('=?utf-8?Q?R=C3=A9union?= des parents');
    expect(parsed.root.children.map((c) => [c.partId, c.type, c.subtype])).toEqual([
      ['1', 'text', 'plain'],
      ['2', 'text', 'html'],
    ]);
    expect(body(raw, parsed.root.children[0])).toBe('Meeting on Friday.');
    expect(parsed.textBody).toBe('Meeting on Friday.');
    expect(parsed.hasAttachment).toBe(false);
  });

  it('decodes RFC 2231 continued and RFC 2047 encoded attachment filenames', () => {
    const raw = load('mixed-attachments.eml');
    const parsed = parseMessage(raw);
    expect(parsed.attachments).toEqual([
      {
        partId: '2',
        filename: 'été rapport.pdf',
        contentType: 'application/pdf',
        size: 13,
        disposition: 'attachment',
      },
      {
        partId: '3',
        filename: 'photo élève.png',
        contentType: 'image/png',
        size: 8,
        disposition: 'attachment',
      },
    ]);
    const pdf = findPart(parsed.root, '2');
    if (pdf === null) throw new Error('no part 2');
    expect(decodeBody(raw, pdf).toString('latin1')).toBe('%PDF-1.4 fake');
    expect(parsed.textBody).toBe('Voir les pieces jointes.');
  });

  it('numbers a nested message/rfc822 with its own multipart per RFC 9051 §6.4.5, with exact offsets', () => {
    const raw = load('nested-rfc822.eml');
    const parsed = parseMessage(raw);
    const forwarded = findPart(parsed.root, '2');
    expect(forwarded).toMatchObject({ type: 'message', subtype: 'rfc822', lines: 13 });
    expect(body(raw, forwarded)).toBe(
      'From: c@example.org\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n' +
        '--inner\r\nContent-Type: text/plain\r\n\r\ninner plain\r\n--inner\r\nContent-Type: text/html\r\n\r\n' +
        '<p>inner html</p>\r\n--inner--',
    );
    expect(forwarded?.message?.envelope.subject).toBe('inner');
    expect(forwarded?.message?.root).toMatchObject({
      partId: '2',
      type: 'multipart',
      subtype: 'alternative',
    });
    expect(body(raw, findPart(parsed.root, '2.1'))).toBe('inner plain');
    expect(body(raw, findPart(parsed.root, '2.2'))).toBe('<p>inner html</p>');
    expect(findPart(parsed.root, '2.1')?.partId).toBe('2.1');
    expect(findPart(parsed.root, '2.3')).toBeNull();
    expect(
      raw
        .subarray(findPart(parsed.root, '2.1')?.headerStart, findPart(parsed.root, '2.1')?.bodyStart)
        .toString(),
    ).toBe('Content-Type: text/plain\r\n\r\n');
    expect(parsed.attachments).toEqual([
      { partId: '2', filename: null, contentType: 'message/rfc822', size: 208, disposition: null },
    ]);
  });

  it('runs the last part to the end of the body when the close-delimiter is missing', () => {
    const raw = load('missing-final-boundary.eml');
    const parsed = parseMessage(raw);
    expect(parsed.root.children.map((c) => body(raw, c))).toEqual(['first', 'second, never closed\r\n']);
    expect(parsed.root.children[1]?.bodyEnd).toBe(raw.length);
  });

  it('leaves a multipart whose boundary never appears without children and indexes its body', () => {
    const raw = load('boundary-never-appears.eml');
    const parsed = parseMessage(raw);
    expect(parsed.root).toMatchObject({ type: 'multipart', subtype: 'mixed', children: [] });
    expect(parsed.textBody).toBe('Just text, the boundary is never used.\r\n');
  });

  it('reads a raw 8-bit latin-1 subject as latin-1 and decodes an encoded latin-1 display name', () => {
    const parsed = parseMessage(load('latin1-subject.eml'));
    expect(parsed.subject).toBe("Réunion à l'école");
    expect(parsed.envelope.subject).toBe("Réunion à l'école");
    expect(parsed.from).toEqual([{ name: 'François', address: 'f@example.fr' }]);
    expect(parsed.envelope.from?.[0]?.name).toBe('=?iso-8859-1?Q?Fran=E7ois?=');
  });

  it('decodes ISO-2022-JP and GB2312 bodies and subjects', () => {
    const jp = load('iso-2022-jp.eml');
    const parsedJp = parseMessage(jp);
    expect(parsedJp.subject).toBe('日本語');
    expect(decodeText(jp, parsedJp.root)).toBe('日本語のテキスト\r\n');
    const cn = load('gb2312.eml');
    const parsedCn = parseMessage(cn);
    expect(parsedCn.subject).toBe('中文邮件');
    expect(parsedCn.textBody).toBe('你好，世界\r\n');
  });

  it('skips garbage in base64 and keeps the whole bytes of an unpadded end', () => {
    const raw = load('broken-base64.eml');
    const parsed = parseMessage(raw);
    // `*`, `!`, NUL and 0xFF are skipped: `bGQ` + `I` make one quantum, the lone `Q` is dropped.
    expect(decodeBody(raw, parsed.root).toString('latin1')).toBe('Hello world\b');
  });

  it('keeps exact offsets with bare LF line endings', () => {
    const raw = load('bare-lf.eml');
    const parsed = parseMessage(raw);
    const [text, binary] = parsed.root.children;
    expect(body(raw, text)).toBe('unix line endings');
    expect(raw.subarray(text?.headerStart, text?.bodyStart).toString()).toBe('Content-Type: text/plain\n\n');
    expect(body(raw, binary)).toBe('BINARY');
    expect(parsed.attachments.map((a) => [a.partId, a.filename])).toEqual([['2', 'data.bin']]);
  });

  it('gives an empty body at the end of a header block with no blank line', () => {
    const raw = load('header-only.eml');
    const parsed = parseMessage(raw);
    expect(parsed.subject).toBe('no body at all');
    expect(parsed.root).toMatchObject({
      headerStart: 0,
      bodyStart: raw.length,
      bodyEnd: raw.length,
      size: 0,
    });
  });

  it('parses an empty message into an empty text/plain root', () => {
    const parsed = parseMessage(load('empty.eml'));
    expect(parsed.root).toMatchObject({
      partId: '',
      type: 'text',
      subtype: 'plain',
      bodyStart: 0,
      bodyEnd: 0,
    });
    expect(parsed.envelope.from).toBeNull();
    expect(parsed.subject).toBe('');
    expect(parsed.sentAt).toBeNull();
  });

  it('renders group syntax in To as group start and end markers (RFC 9051 §7.5.2)', () => {
    const parsed = parseMessage(load('group-to.eml'));
    expect(parsed.envelope.to).toEqual([
      { name: null, adl: null, mailbox: 'Enseignants', host: null },
      { name: null, adl: null, mailbox: 'jean', host: 'ac-exemple.fr' },
      { name: 'Marie Curie', adl: null, mailbox: 'marie', host: 'ac-exemple.fr' },
      { name: null, adl: null, mailbox: null, host: null },
      { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
      { name: null, adl: null, mailbox: null, host: null },
    ]);
    expect(parsed.to).toEqual([
      { name: '', address: 'jean@ac-exemple.fr' },
      { name: 'Marie Curie', address: 'marie@ac-exemple.fr' },
    ]);
    expect(parsed.from).toEqual([{ name: 'Dupont, Sylvie', address: 'sylvie.dupont@ac-exemple.fr' }]);
    expect(parsed.cc).toEqual([{ name: 'René', address: 'rene@ac-exemple.fr' }]);
  });

  it('defaults parts of multipart/digest to message/rfc822 (RFC 2046 §5.1.5)', () => {
    const raw = load('digest.eml');
    const parsed = parseMessage(raw);
    expect(parsed.root.children.map((c) => `${c.type}/${c.subtype}`)).toEqual([
      'message/rfc822',
      'text/plain',
    ]);
    expect(parsed.root.children[0]?.message?.envelope.subject).toBe('first');
    expect(body(raw, findPart(parsed.root, '1.1'))).toBe('one');
  });
});

describe('limits', () => {
  it('refuses a limit that is not a non-negative integer', () => {
    expect(() => parseMessage(Buffer.from(''), { maxDepth: -1 })).toThrow(RangeError);
    expect(() => parseMessage(Buffer.from(''), { maxParts: Number.NaN })).toThrow(/maxParts/);
  });

  it('descends exactly maxDepth levels and no further', () => {
    const nest = (levels: number): string =>
      levels === 0
        ? 'Content-Type: text/plain\r\n\r\nleaf'
        : `Content-Type: multipart/mixed; boundary=b${levels}\r\n\r\n--b${levels}\r\n${nest(levels - 1)}\r\n--b${levels}--`;
    const depthOf = (part: MimePart): number =>
      part.children.length === 0 ? 0 : 1 + Math.max(...part.children.map(depthOf));
    const raw = Buffer.from(nest(5));
    expect(depthOf(parseMessage(raw, { maxDepth: 5 }).root)).toBe(5);
    expect(depthOf(parseMessage(raw, { maxDepth: 4 }).root)).toBe(4);
  });

  it('lists exactly maxParts parts and no more', () => {
    const parts = Array.from({ length: 10 }, (_, i) => `--b\r\n\r\npart ${i}\r\n`).join('');
    const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`);
    expect(parseMessage(raw, { maxParts: 11 }).root.children).toHaveLength(10);
    expect(parseMessage(raw, { maxParts: 10 }).root.children).toHaveLength(9);
  });

  it('parses header fields up to maxHeaderBytes and still finds the body', () => {
    const raw = Buffer.from('Subject: hello\r\nX-Pad: 0123456789\r\n\r\nbody');
    const atCap = parseMessage(raw, { maxHeaderBytes: 16 });
    expect(atCap.subject).toBe('hello');
    expect(atCap.root.bodyStart).toBe(raw.length - 4);
    expect(parseMessage(raw, { maxHeaderBytes: 15 }).subject).toBe('hello');
    expect(parseMessage(raw, { maxHeaderBytes: 5 }).subject).toBe('');
  });

  it('caps the search text at maxTextChars characters', () => {
    const raw = Buffer.from(`Subject: big\r\n\r\n${'a'.repeat(100)}`);
    expect(parseMessage(raw, { maxTextChars: 100 }).textBody).toHaveLength(100);
    expect(parseMessage(raw, { maxTextChars: 99 }).textBody).toHaveLength(99);
  });
});
