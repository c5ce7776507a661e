/**
 * The composer's content and how it becomes a JMAP Email (RFC 8621 §4.6), plus the starting points
 * of a reply, a reply to all and a forward.
 */
import type { MethodArgs } from '../jmap/jmap-client';
import type { EmailAddress, EmailDetail } from '../jmap/types';
import { formatAddressList, parseAddressList } from './address-input';

export interface AttachmentRef {
  blobId: string;
  name: string;
  type: string;
  size: number;
}

export interface DraftContent {
  identityId: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  /** The rich text as HTML, or null when writing plain text. */
  html: string | null;
  text: string;
  attachments: AttachmentRef[];
  inReplyTo: string[];
  references: string[];
  /**
   * A forward: the original message, which the composer offers to attach whole (message/rfc822,
   * by its blobId) instead of its files. Not saved with the draft.
   */
  forwardOf?: ForwardedOriginal | null;
}

export interface ForwardedOriginal {
  /** The original as an attachment: its whole blob, type message/rfc822. */
  message: AttachmentRef;
  /** The original's own files, attached by default. */
  files: AttachmentRef[];
}

export const EMPTY_DRAFT: DraftContent = {
  identityId: '',
  to: '',
  cc: '',
  bcc: '',
  subject: '',
  html: '',
  text: '',
  attachments: [],
  inReplyTo: [],
  references: [],
};

export function recipientsOf(draft: DraftContent): { addresses: EmailAddress[]; invalid: string[] } {
  const all = [draft.to, draft.cc, draft.bcc].map(parseAddressList);
  return { addresses: all.flatMap((p) => p.addresses), invalid: all.flatMap((p) => p.invalid) };
}

/** The file name of a message attached whole: its subject, without characters file systems refuse. */
export function messageFileName(subject: string | null): string {
  const base = (subject ?? '')
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${base.slice(0, 100) || 'message'}.eml`;
}

/** Attaches the original whole (forward as attachment) in place of its files, or back. */
export function withOriginalAttached(
  draft: DraftContent,
  attached: boolean,
): Pick<DraftContent, 'attachments'> {
  const original = draft.forwardOf;
  if (!original) return { attachments: draft.attachments };
  const theirs = new Set([original.message.blobId, ...original.files.map((f) => f.blobId)]);
  const added = draft.attachments.filter((a) => !theirs.has(a.blobId));
  return { attachments: attached ? [original.message, ...added] : [...original.files, ...added] };
}

export function isOriginalAttached(draft: DraftContent): boolean {
  const blobId = draft.forwardOf?.message.blobId;
  return blobId !== undefined && draft.attachments.some((a) => a.blobId === blobId);
}

export function toJmapEmail(
  draft: DraftContent,
  from: EmailAddress & { replyTo?: EmailAddress[] | null },
  draftsMailboxId: string,
): MethodArgs {
  const list = (text: string) => parseAddressList(text).addresses;
  return {
    mailboxIds: { [draftsMailboxId]: true },
    keywords: { $draft: true, $seen: true },
    from: [{ name: from.name, email: from.email }],
    ...(from.replyTo && from.replyTo.length > 0
      ? { replyTo: from.replyTo.map((a) => ({ name: a.name, email: a.email })) }
      : {}),
    to: list(draft.to),
    cc: list(draft.cc),
    bcc: list(draft.bcc),
    subject: draft.subject,
    ...(draft.inReplyTo.length > 0 ? { inReplyTo: draft.inReplyTo } : {}),
    ...(draft.references.length > 0 ? { references: draft.references } : {}),
    bodyValues: {
      text: { value: draft.text },
      ...(draft.html === null ? {} : { html: { value: draft.html } }),
    },
    textBody: [{ partId: 'text', type: 'text/plain' }],
    ...(draft.html === null ? {} : { htmlBody: [{ partId: 'html', type: 'text/html' }] }),
    attachments: draft.attachments.map((a) => ({
      blobId: a.blobId,
      type: a.type,
      name: a.name,
      disposition: 'attachment',
    })),
  };
}

/** A saved draft back into the composer. */
export function fromJmapEmail(
  email: EmailDetail & { bcc?: EmailAddress[] | null },
  identityId: string,
): DraftContent {
  const value = (parts: { partId: string }[]) =>
    parts.map((p) => email.bodyValues[p.partId]?.value ?? '').join('\n');
  const htmlParts = email.htmlBody.filter((p) => p.type === 'text/html');
  return {
    identityId,
    to: formatAddressList(email.to),
    cc: formatAddressList(email.cc),
    bcc: formatAddressList(email.bcc ?? null),
    subject: email.subject ?? '',
    html: htmlParts.length > 0 ? value(htmlParts) : null,
    text: value(email.textBody),
    attachments: email.attachments.map((a) => ({
      blobId: a.blobId,
      name: a.name ?? 'piece-jointe',
      type: a.type,
      size: a.size,
    })),
    inReplyTo: (email as { inReplyTo?: string[] | null }).inReplyTo ?? [],
    references: (email as { references?: string[] | null }).references ?? [],
  };
}

export function prefixedSubject(subject: string | null, prefix: 'Re' | 'Fwd'): string {
  const base = (subject ?? '').trim();
  // A reply to a reply keeps one "Re:"; any other prefix (TR:, Fwd:) stays under the new one.
  if (prefix === 'Re' && /^\s*re\s*:/i.test(base)) return base;
  return `${prefix}: ${base}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type ReplyMode = 'reply' | 'replyAll' | 'forward';

export interface QuoteLabels {
  /** "Le {date}, {name} a écrit :" */
  wrote: string;
  /** "Message transféré" */
  forwarded: string;
}

/**
 * The draft a reply, a reply to all or a forward starts from: recipients (never the user), subject,
 * threading ids, and the original quoted in both text and HTML (its text, escaped: nothing of the
 * original's markup reaches the composer).
 */
export function replyDraft(
  original: EmailDetail & { messageId?: string[] | null; references?: string[] | null },
  mode: ReplyMode,
  own: ReadonlySet<string>,
  identityId: string,
  labels: QuoteLabels,
): DraftContent {
  const mine = (a: EmailAddress) => own.has(a.email.toLowerCase());
  const originalText = original.textBody
    .map((p) => original.bodyValues[p.partId]?.value ?? '')
    .join('\n')
    .trimEnd();
  const quotedText = originalText
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const header = mode === 'forward' ? labels.forwarded : labels.wrote;
  const text = `\n\n${header}\n${quotedText}\n`;
  const html = `<p></p><p>${escapeHtml(header)}</p><blockquote>${originalText
    .split('\n')
    .map((line) => escapeHtml(line))
    .join('<br>')}</blockquote>`;
  const messageId = original.messageId?.[0];
  const threading =
    mode === 'forward' || !messageId
      ? { inReplyTo: [], references: [] }
      : { inReplyTo: [messageId], references: [...(original.references ?? []), messageId] };
  const from = (original.from ?? []).filter((a) => !mine(a));
  const to =
    mode === 'forward'
      ? []
      : mode === 'reply'
        ? from.length > 0
          ? from
          : (original.to ?? [])
        : [...from, ...(original.to ?? []).filter((a) => !mine(a))];
  const cc = mode === 'replyAll' ? (original.cc ?? []).filter((a) => !mine(a)) : [];
  const files =
    mode === 'forward'
      ? original.attachments.map((a) => ({
          blobId: a.blobId,
          name: a.name ?? 'piece-jointe',
          type: a.type,
          size: a.size,
        }))
      : [];
  return {
    ...EMPTY_DRAFT,
    identityId,
    to: formatAddressList(to),
    cc: formatAddressList(cc),
    subject: prefixedSubject(original.subject, mode === 'forward' ? 'Fwd' : 'Re'),
    html,
    text,
    attachments: files,
    ...threading,
    forwardOf:
      mode === 'forward'
        ? {
            message: {
              blobId: original.blobId,
              name: messageFileName(original.subject),
              type: 'message/rfc822',
              size: original.size,
            },
            files,
          }
        : null,
  };
}
