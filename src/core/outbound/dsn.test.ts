import { describe, expect, it } from 'vitest';
import { decodeText, findPart, parseMessage } from '../../lib/mime/index.js';
import { buildDsn, encodeQuotedPrintable, headerBlockOf, MAX_RETURNED_HEADER_BYTES } from './dsn.js';

const T = Date.UTC(2026, 10, 25, 9, 0, 0);
const ORIGINAL = Buffer.from(
  'From: Sylvie <sylvie.dupont@ac-test.fr>\r\nSubject: =?utf-8?q?Sortie_au_mus=C3=A9e?=\r\n\r\nCorps confidentiel\r\n',
);

function dsn() {
  return buildDsn({
    reportingMta: 'mail.ac-test.fr',
    sender: 'sylvie.dupont@ac-test.fr',
    arrivalDate: T,
    date: T + 60_000,
    recipients: [
      {
        recipient: 'bob@example.net',
        status: '5.1.1',
        smtpReply: '550 5.1.1 no such user',
        remoteMta: 'mx.example.net',
        lastAttemptAt: T + 60_000,
      },
      { recipient: 'info@nullmx.example', status: '5.1.10', reason: 'null MX', lastAttemptAt: T },
    ],
    originalHeaders: headerBlockOf(ORIGINAL),
  });
}

describe('DSN', () => {
  it('is a multipart/report with text, delivery-status and the original headers only', () => {
    const raw = dsn();
    const parsed = parseMessage(raw);
    expect(parsed.root.params['report-type']).toBe('delivery-status');
    expect(parsed.root.children.map((p) => `${p.type}/${p.subtype}`)).toEqual([
      'text/plain',
      'message/delivery-status',
      'text/rfc822-headers',
    ]);
    expect(parsed.subject).toBe('Message non distribué / Undelivered Mail Returned to Sender');
    expect(decodeText(raw, findPart(parsed.root, '2') ?? expect.unreachable())).toBe(
      [
        'Reporting-MTA: dns; mail.ac-test.fr',
        'Arrival-Date: Wed, 25 Nov 2026 09:00:00 +0000',
        '',
        'Final-Recipient: rfc822; bob@example.net',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx.example.net',
        'Diagnostic-Code: smtp; 550 5.1.1 no such user',
        'Last-Attempt-Date: Wed, 25 Nov 2026 09:01:00 +0000',
        '',
        'Final-Recipient: rfc822; info@nullmx.example',
        'Action: failed',
        'Status: 5.1.10',
        'Last-Attempt-Date: Wed, 25 Nov 2026 09:00:00 +0000',
        '',
      ].join('\r\n'),
    );
    const text = decodeText(raw, findPart(parsed.root, '1') ?? expect.unreachable());
    expect(text).toContain(
      '<bob@example.net> : le serveur distant a refusé le message\r\n    (550 5.1.1 no such user)',
    );
    expect(text).toContain('<info@nullmx.example>: the recipient’s domain accepts no mail (null MX)');
    expect(decodeText(raw, findPart(parsed.root, '3') ?? expect.unreachable())).toContain(
      'Subject: =?utf-8?q?Sortie_au_mus=C3=A9e?=',
    );
    expect(raw.toString('latin1')).not.toContain('Corps confidentiel');
    expect(raw.toString('latin1')).toContain('\r\nAuto-Submitted: auto-replied\r\n');
  });

  it('writes only 7-bit lines of at most 76 characters outside the returned headers', () => {
    const text = dsn().toString('latin1');
    for (const line of text.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(998);
      expect(/^[\x20-\x7e]*$/.test(line)).toBe(true);
    }
    const encoded = encodeQuotedPrintable(`${'é'.repeat(60)} \nfin = ok `);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(encoded.endsWith('fin =3D ok=20')).toBe(true);
  });

  it('returns a header block of exactly MAX_RETURNED_HEADER_BYTES whole and cuts a longer one at a line end', () => {
    const line = `X-Filler: ${'a'.repeat(88)}\r\n`; // 100 bytes
    const fits = Buffer.concat([Buffer.from(line.repeat(655)), Buffer.from(`X-End: ${'9'.repeat(29)}\r\n`)]);
    expect(fits.length - 2).toBe(MAX_RETURNED_HEADER_BYTES);
    expect(headerBlockOf(Buffer.concat([fits, Buffer.from('\r\nbody')])).length).toBe(
      MAX_RETURNED_HEADER_BYTES,
    );
    const over = Buffer.concat([fits.subarray(0, -2), Buffer.from('X\r\n\r\nbody')]);
    const cut = headerBlockOf(over);
    expect(cut.length).toBe(655 * 100 - 2);
    expect(cut.toString('latin1').endsWith('a'.repeat(88))).toBe(true);
  });
});
