import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { renderBodyStructure, renderEnvelope } from './structures.js';

/** Quoted strings only: enough for these ASCII fixtures. */
const nstring = (value: string | null) => (value === null ? 'NIL' : `"${value.replace(/(["\\])/g, '\\$1')}"`);

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('ENVELOPE', () => {
  it('renders the RFC 9051 fields in order, sender and reply-to defaulting to from', () => {
    const parsed = parseMessage(
      crlf([
        'Date: Wed, 25 Nov 2026 09:00:00 +0100',
        'From: "Dupont, Sylvie" <sylvie.dupont@ac-test.fr>',
        'To: jean.martin@ac-test.fr, Parents: a@example.org, b@example.org;',
        'Subject: =?utf-8?q?R=C3=A9union?=',
        'Message-ID: <m1@ac-test.fr>',
        'In-Reply-To: <p0@ac-test.fr>',
        '',
        'Bonjour',
      ]),
    );
    const from = '(("Dupont, Sylvie" NIL "sylvie.dupont" "ac-test.fr"))';
    expect(renderEnvelope(parsed.envelope, nstring)).toBe(
      `("Wed, 25 Nov 2026 09:00:00 +0100" "=?utf-8?q?R=C3=A9union?=" ${from} ${from} ${from} ` +
        '((NIL NIL "jean.martin" "ac-test.fr")(NIL NIL "Parents" NIL)(NIL NIL "a" "example.org")' +
        '(NIL NIL "b" "example.org")(NIL NIL NIL NIL)) NIL NIL "<p0@ac-test.fr>" "<m1@ac-test.fr>")',
    );
  });
});

describe('BODYSTRUCTURE', () => {
  it('describes a plain text message with its line count', () => {
    const parsed = parseMessage(
      crlf(['Subject: x', 'Content-Type: text/plain; charset=utf-8', '', 'un', 'deux', '']),
    );
    expect(renderBodyStructure(parsed.root, nstring, false)).toBe(
      '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 2)',
    );
    expect(renderBodyStructure(parsed.root, nstring, true)).toBe(
      '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 2 NIL NIL NIL NIL)',
    );
  });

  it('puts multipart children side by side, then the subtype and extension data', () => {
    const parsed = parseMessage(
      crlf([
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Bonjour',
        '--b',
        'Content-Type: application/pdf; name="pv.pdf"',
        'Content-Disposition: attachment; filename="pv.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        'JVBERi0=',
        '--b--',
        '',
      ]),
    );
    expect(renderBodyStructure(parsed.root, nstring, true)).toBe(
      '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 7 1 NIL NIL NIL NIL)' +
        '("APPLICATION" "PDF" ("NAME" "pv.pdf") NIL NIL "BASE64" 8 NIL ("ATTACHMENT" ("FILENAME" "pv.pdf")) NIL NIL)' +
        ' "MIXED" ("BOUNDARY" "b") NIL NIL NIL)',
    );
    expect(renderBodyStructure(parsed.root, nstring, false)).toBe(
      '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 7 1)("APPLICATION" "PDF" ("NAME" "pv.pdf") NIL NIL "BASE64" 8) "MIXED")',
    );
  });

  it('nests the envelope and structure of a message/rfc822 part', () => {
    const parsed = parseMessage(
      crlf([
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: message/rfc822',
        '',
        'Subject: transféré',
        'From: a@example.org',
        '',
        'Texte',
        '--b--',
        '',
      ]),
    );
    const rendered = renderBodyStructure(parsed.root, nstring, false);
    expect(rendered).toMatch(/^\(\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \d+ \(NIL "transféré" /);
    expect(rendered).toContain('("TEXT" "PLAIN" NIL NIL NIL "7BIT" 5 1) 4) "MIXED")');
  });
});
