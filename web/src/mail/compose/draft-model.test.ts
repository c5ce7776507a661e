import { describe, expect, it } from 'vitest';
import type { EmailDetail } from '../jmap/types';
import {
  EMPTY_DRAFT,
  isOriginalAttached,
  messageFileName,
  prefixedSubject,
  replyDraft,
  toJmapEmail,
  withOriginalAttached,
} from './draft-model';

const original: EmailDetail & { messageId: string[]; references: string[] } = {
  id: 'e1',
  blobId: 'b',
  threadId: 't',
  mailboxIds: {},
  keywords: {},
  receivedAt: '2026-12-06T09:00:00Z',
  sentAt: null,
  from: [{ name: 'Jean Martin', email: 'jean.martin@ac-test.fr' }],
  to: [
    { name: 'Sylvie Dupont', email: 'sylvie.dupont@ac-test.fr' },
    { name: 'Paul', email: 'paul@ac-test.fr' },
  ],
  cc: [{ name: null, email: 'cc@ac-test.fr' }],
  subject: 'Sortie <musée>',
  preview: '',
  hasAttachment: true,
  size: 1,
  textBody: [
    {
      partId: '1',
      blobId: 'x',
      size: 1,
      name: null,
      type: 'text/plain',
      charset: 'utf-8',
      disposition: null,
      cid: null,
    },
  ],
  htmlBody: [],
  attachments: [
    {
      partId: '2',
      blobId: 'b_2',
      size: 9,
      name: 'plan.pdf',
      type: 'application/pdf',
      charset: null,
      disposition: 'attachment',
      cid: null,
    },
  ],
  bodyValues: { '1': { value: 'Ligne <1>\nLigne 2', isTruncated: false } },
  messageId: ['m1@ac-test.fr'],
  references: ['m0@ac-test.fr'],
};
const labels = { wrote: 'Jean a écrit :', forwarded: 'Message transféré' };
const me = new Set(['sylvie.dupont@ac-test.fr']);

describe('replyDraft', () => {
  it('answers the sender, threads, and quotes the text escaped', () => {
    const draft = replyDraft(original, 'reply', me, 'id', labels);
    expect(draft.to).toBe('Jean Martin <jean.martin@ac-test.fr>');
    expect(draft.cc).toBe('');
    expect(draft.subject).toBe('Re: Sortie <musée>');
    expect(draft.inReplyTo).toEqual(['m1@ac-test.fr']);
    expect(draft.references).toEqual(['m0@ac-test.fr', 'm1@ac-test.fr']);
    expect(draft.text).toContain('> Ligne <1>\n> Ligne 2');
    expect(draft.html).toContain('<blockquote>Ligne &#60;1&#62;<br>Ligne 2</blockquote>');
    expect(draft.attachments).toEqual([]);
  });

  it('answers everyone but the user on reply all', () => {
    const draft = replyDraft(original, 'replyAll', me, 'id', labels);
    expect(draft.to).toBe('Jean Martin <jean.martin@ac-test.fr>, Paul <paul@ac-test.fr>');
    expect(draft.cc).toBe('cc@ac-test.fr');
  });

  it('forwards with the attachments, to nobody yet, outside the thread', () => {
    const draft = replyDraft(original, 'forward', me, 'id', labels);
    expect(draft.to).toBe('');
    expect(draft.subject).toBe('Fwd: Sortie <musée>');
    expect(draft.attachments.map((a) => a.blobId)).toEqual(['b_2']);
    expect(draft.inReplyTo).toEqual([]);
  });
});

describe('subjects and the JMAP email', () => {
  it('does not pile up Re:', () => {
    expect(prefixedSubject('RE: Bonjour', 'Re')).toBe('RE: Bonjour');
    expect(prefixedSubject('TR: Bonjour', 'Re')).toBe('Re: TR: Bonjour');
    expect(prefixedSubject(null, 'Fwd')).toBe('Fwd: ');
  });

  it('makes a draft in Drafts, text and HTML bodies, attachments by blob', () => {
    const email = toJmapEmail(
      {
        ...EMPTY_DRAFT,
        to: 'a@b.fr, faux',
        html: '<p>x</p>',
        text: 'x',
        attachments: [{ blobId: 'u', name: 'n', type: 't/t', size: 1 }],
      },
      { name: 'Me', email: 'me@b.fr' },
      'drafts',
    );
    expect(email).toMatchObject({
      mailboxIds: { drafts: true },
      keywords: { $draft: true, $seen: true },
      to: [{ name: null, email: 'a@b.fr' }],
      textBody: [{ partId: 'text' }],
      htmlBody: [{ partId: 'html' }],
      attachments: [{ blobId: 'u', name: 'n', type: 't/t', disposition: 'attachment' }],
    });
  });

  it('forwards the original whole as message/rfc822 in place of its files, and back', () => {
    const file = { blobId: 'f1', name: 'a.pdf', type: 'application/pdf', size: 3 };
    const draft = {
      ...EMPTY_DRAFT,
      attachments: [file, { blobId: 'mine', name: 'b.txt', type: 'text/plain', size: 1 }],
      forwardOf: {
        message: {
          blobId: 'orig',
          name: messageFileName('Re: Conseil / 2e "trimestre"'),
          type: 'message/rfc822',
          size: 99,
        },
        files: [file],
      },
    };
    expect(draft.forwardOf.message.name).toBe('Re Conseil 2e trimestre.eml');
    const whole = { ...draft, ...withOriginalAttached(draft, true) };
    expect(whole.attachments.map((a) => a.blobId)).toEqual(['orig', 'mine']);
    expect(isOriginalAttached(whole)).toBe(true);
    const back = { ...whole, ...withOriginalAttached(whole, false) };
    expect(back.attachments.map((a) => a.blobId)).toEqual(['f1', 'mine']);
    expect(isOriginalAttached(back)).toBe(false);
    expect(messageFileName(null)).toBe('message.eml');
  });

  it("gives the identity's Reply-To to the message", () => {
    const email = toJmapEmail(
      EMPTY_DRAFT,
      { name: 'Me', email: 'me@b.fr', replyTo: [{ name: 'Secrétariat', email: 'sec@b.fr' }] },
      'drafts',
    );
    expect(email.from).toEqual([{ name: 'Me', email: 'me@b.fr' }]);
    expect(email.replyTo).toEqual([{ name: 'Secrétariat', email: 'sec@b.fr' }]);
  });
});
