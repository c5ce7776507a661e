/**
 * Store rows as JMAP Mail objects (RFC 8621): Mailbox (§2), Email metadata (§4.1), Thread (§3).
 *
 * Implementation notes
 * - Ids are the store's own: mailbox, message and thread UUIDs, blob SHA-256 hex (all within
 *   JMAP's `[A-Za-z0-9_-]`), the same ids IMAP gives as MAILBOXID, EMAILID and THREADID.
 * - Dates: `receivedAt` is a UTCDate (no fractional seconds, RFC 8620 §1.4); `sentAt` is given in
 *   UTC too, since only the instant is kept at delivery.
 * - Mailbox rights: every mailbox is the account's own, fully writable; a role mailbox may not be
 *   deleted (mayDelete false), as its role would be lost.
 */
import type { Address } from '../../../lib/mime/index.js';
import type { Mailbox, MailboxCounters, Message, MessageBody } from '../../../store/sql/index.js';

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function mailboxObject(box: Mailbox, counters: MailboxCounters | undefined): Record<string, unknown> {
  const own = box.role === null;
  return {
    id: box.id,
    name: box.name,
    parentId: box.parent_id,
    role: box.role,
    sortOrder: box.sort_order,
    totalEmails: counters?.total ?? 0,
    unreadEmails: counters?.unread ?? 0,
    totalThreads: counters?.threads ?? 0,
    unreadThreads: counters?.unreadThreads ?? 0,
    myRights: {
      mayReadItems: true,
      mayAddItems: true,
      mayRemoveItems: true,
      maySetSeen: true,
      maySetKeywords: true,
      mayCreateChild: true,
      mayRename: own,
      mayDelete: own,
      maySubmit: true,
    },
    isSubscribed: box.subscribed === 1,
  };
}

export const MAILBOX_PROPERTIES: readonly string[] = Object.keys(
  mailboxObject(
    {
      id: '',
      account_id: '',
      parent_id: null,
      name: '',
      path: '',
      role: null,
      uid_validity: 0,
      uid_next: 0,
      highest_modseq: 0,
      subscribed: 0,
      sort_order: 0,
      created_at: 0,
    },
    undefined,
  ),
);

/** Email properties served so far; body parts, headers and bodyValues come with the reader view. */
export const EMAIL_PROPERTIES: readonly string[] = [
  'id',
  'blobId',
  'threadId',
  'mailboxIds',
  'keywords',
  'size',
  'receivedAt',
  'messageId',
  'inReplyTo',
  'references',
  'from',
  'to',
  'cc',
  'subject',
  'sentAt',
  'hasAttachment',
  'preview',
];

const addresses = (json: string) =>
  (JSON.parse(json) as Address[]).map((a) => ({ name: a.name === '' ? null : a.name, email: a.address }));
const idList = (json: string) => {
  const list = JSON.parse(json) as string[];
  return list.length === 0 ? null : list;
};

export function emailObject(
  message: Message,
  body: MessageBody | undefined,
  mailboxIds: readonly string[],
  keywords: readonly string[],
): Record<string, unknown> {
  return {
    id: message.id,
    blobId: message.blob_id,
    threadId: message.thread_id,
    mailboxIds: Object.fromEntries(mailboxIds.map((id) => [id, true])),
    keywords: Object.fromEntries(keywords.map((k) => [k, true])),
    size: message.size,
    receivedAt: utcDate(message.received_at),
    messageId: body?.message_id ? [body.message_id] : null,
    inReplyTo: body ? idList(body.in_reply_to) : null,
    references: body ? idList(body.references) : null,
    from: body ? addresses(body.from_addresses) : null,
    to: body ? addresses(body.to_addresses) : null,
    cc: body ? addresses(body.cc_addresses) : null,
    subject: body?.subject ?? null,
    sentAt: body?.sent_at != null ? utcDate(body.sent_at) : null,
    hasAttachment: body?.has_attachment === 1,
    preview: body?.preview ?? '',
  };
}

/** Only the asked properties (and always the id, RFC 8620 §5.1). */
export function pick(
  object: Record<string, unknown>,
  properties: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: object.id };
  for (const property of properties) out[property] = object[property];
  return out;
}
