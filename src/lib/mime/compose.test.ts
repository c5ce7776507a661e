import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeMessage, withoutBcc } from './compose.js';
import { parseMessage } from './parse-message.js';

const base = {
  from: [{ name: 'Camille Martin', address: 'camille.martin@ac-test.fr' }],
  to: [{ name: 'Hugo Bernard', address: 'hugo.bernard@ac-test.fr' }],
  cc: [],
  bcc: [{ name: '', address: 'secret@ac-test.fr' }],
  replyTo: [],
  subject: 'Réunion de l’équipe — ordre du jour',
  messageId: 'abc@ac-test.fr',
  date: new Date('2026-12-06T10:00:00Z'),
  inReplyTo: ['parent@example.org'],
  references: ['root@example.org', 'parent@example.org'],
  text: 'Bonjour,\n\nvoici l’ordre du jour.',
  html: '<p>Bonjour,</p><p>voici l’<b>ordre du jour</b>.</p>',
  attachments: [
    {
      content: Buffer.from([0, 1, 2, 255]),
      filename: 'pièce jointe.bin',
      contentType: 'application/octet-stream',
      cid: null,
      inline: false,
    },
  ],
};

describe('composeMessage', () => {
  it('builds a message our parser reads back: headers, both bodies, the attachment, Bcc kept', async () => {
    const raw = await composeMessage(base);
    const parsed = parseMessage(raw);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.from).toEqual([{ name: 'Camille Martin', address: 'camille.martin@ac-test.fr' }]);
    expect(parsed.messageId).toBe('abc@ac-test.fr');
    expect(parsed.inReplyTo).toEqual(['parent@example.org']);
    expect(parsed.references).toEqual(['root@example.org', 'parent@example.org']);
    expect(parsed.textBody).toContain('voici l’ordre du jour');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['pièce jointe.bin']);
    expect(parsed.bcc.map((a) => a.address)).toEqual(['secret@ac-test.fr']);
    const sent = parseMessage(withoutBcc(raw));
    expect(sent.bcc).toEqual([]);
    expect(sent.subject).toBe(base.subject);
  });
});

describe('withoutBcc', () => {
  it('drops every Bcc field with its folded lines, and only those', () => {
    const raw = Buffer.from(
      'From: a@b.fr\r\nBcc: x@y.fr,\r\n  z@y.fr\r\nBCC : w@y.fr\r\nSubject: s\r\n\r\nBcc: in the body\r\n',
    );
    expect(withoutBcc(raw).toString()).toBe('From: a@b.fr\r\nSubject: s\r\n\r\nBcc: in the body\r\n');
  });

  it('keeps a message without Bcc byte for byte, and the body of any message', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (header, body) => {
        const clean = header.replace(/[\r\n]/g, ' ').replace(/^bcc/i, 'x');
        const raw = Buffer.from(`X-A: ${clean}\r\n\r\n${body}`, 'latin1');
        expect(withoutBcc(raw).equals(raw)).toBe(true);
        const withBcc = Buffer.from(`Bcc: s@t.fr\r\nX-A: ${clean}\r\n\r\n${body}`, 'latin1');
        expect(withoutBcc(withBcc).toString('latin1')).toBe(raw.toString('latin1'));
      }),
    );
  });
});
