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
 * - Body parts (§4.1.4): partIds are the IMAP section numbers (a single-part message's body is
 *   "1"); a part's blobId is the message blob's id, "_", and the partId with "-" for "." — the
 *   download route decodes the part from the message, no copy is stored. Sizes are decoded sizes.
 * - bodyValues hold the decoded text, HTML as sent (the web client sanitizes it before showing it),
 *   cut at maxBodyValueBytes on a character boundary with isTruncated.
 */
import {
  type Address,
  attachmentSize,
  decodeText,
  type MimePart,
  parseMessage,
  partFilename,
  readHeaderFields,
  splitBody,
} from '../../../lib/mime/index.js';
import type { Mailbox, MailboxCounters, Message, MessageBody } from '../../../store/sql/index.js';
import { type HeaderRequest, headerValues } from './email-headers.js';

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

export const BODY_PROPERTIES: readonly string[] = ['textBody', 'htmlBody', 'attachments', 'bodyValues'];

/**
 * Fields not kept in the body columns: read from the message when asked (drafts), as are `headers`
 * and the `header:…` properties (email-headers.ts).
 */
export const HEADER_PROPERTIES: readonly string[] = ['bcc', 'replyTo', 'sender'];

export function headerProperties(
  raw: Buffer,
  requests: readonly HeaderRequest[] = [],
  withHeaders = false,
): Record<string, unknown> {
  const parsed = parseMessage(raw);
  const list = (addresses: Address[]) =>
    addresses.length === 0
      ? null
      : addresses.map((a) => ({ name: a.name === '' ? null : a.name, email: a.address }));
  return {
    bcc: list(parsed.bcc),
    replyTo: list(parsed.replyTo),
    sender: list(parsed.sender),
    ...(requests.length > 0 || withHeaders
      ? headerValues(readHeaderFields(raw, 0, parsed.root.bodyStart), requests, withHeaders)
      : {}),
  };
}

/** The blob id of one part of a message (see the notes above). */
export function partBlobId(messageBlobId: string, partId: string): string {
  return `${messageBlobId}_${partId.replaceAll('.', '-')}`;
}

/** A part blob id's message blob and partId, or null when it names no part. */
export function parsePartBlobId(blobId: string): { messageBlobId: string; partId: string } | null {
  const match = /^([0-9a-f]{64})_([1-9][0-9]{0,4}(?:-[1-9][0-9]{0,4}){0,31})$/.exec(blobId);
  return match
    ? { messageBlobId: match[1] as string, partId: (match[2] as string).replaceAll('-', '.') }
    : null;
}

/** The properties of an EmailBodyPart served (RFC 8621 §4.1.4), its default bodyProperties. */
export const BODY_PART_PROPERTIES: readonly string[] = [
  'partId',
  'blobId',
  'size',
  'name',
  'type',
  'charset',
  'disposition',
  'cid',
  'language',
  'location',
];

/** The bodyProperties asked: plain properties, and the header ones (`headers`, `header:…`). */
export interface PartSelection {
  properties: readonly string[];
  headers: readonly HeaderRequest[];
  withHeaders: boolean;
}

function bodyPartObject(
  raw: Buffer,
  messageBlobId: string,
  part: MimePart,
  selection: PartSelection | null,
): Record<string, unknown> {
  const object = defaultPartObject(raw, messageBlobId, part);
  if (selection === null) return object;
  const out: Record<string, unknown> = {};
  for (const property of selection.properties) out[property] = object[property];
  if (selection.withHeaders || selection.headers.length > 0) {
    const fields = readHeaderFields(raw, part.headerStart, part.bodyStart);
    Object.assign(out, headerValues(fields, selection.headers, selection.withHeaders));
  }
  return out;
}

function defaultPartObject(raw: Buffer, messageBlobId: string, part: MimePart): Record<string, unknown> {
  const partId = part.partId === '' ? '1' : part.partId;
  return {
    partId,
    blobId: partBlobId(messageBlobId, partId),
    size: attachmentSize(raw, part),
    name: partFilename(part),
    type: `${part.type}/${part.subtype}`,
    charset: part.params.charset ?? (part.type === 'text' ? 'us-ascii' : null),
    disposition: part.disposition?.type ?? null,
    cid: part.id?.replace(/^<|>$/g, '') ?? null,
    language: part.language,
    location: part.location,
  };
}

export interface BodyValueOptions {
  text: boolean;
  html: boolean;
  all: boolean;
  /** 0: no limit. */
  maxBytes: number;
  /** The bodyProperties asked; null: the default ones. */
  parts: PartSelection | null;
}

/** textBody, htmlBody, attachments and the asked bodyValues of a message. */
export function bodyProperties(
  raw: Buffer,
  messageBlobId: string,
  root: MimePart,
  values: BodyValueOptions,
): Record<string, unknown> {
  const split = splitBody(root);
  const wanted = new Map<string, MimePart>();
  const want = (parts: MimePart[]) => {
    for (const part of parts)
      if (part.type === 'text') wanted.set(part.partId === '' ? '1' : part.partId, part);
  };
  if (values.text || values.all) want(split.textBody);
  if (values.html || values.all) want(split.htmlBody);
  const bodyValues: Record<string, unknown> = {};
  for (const [partId, part] of wanted) {
    const text = decodeText(raw, part);
    const bytes = Buffer.from(text, 'utf8');
    const cut = values.maxBytes > 0 && bytes.length > values.maxBytes;
    // Cut on a character boundary: back off continuation bytes (10xxxxxx).
    let end = cut ? values.maxBytes : bytes.length;
    while (cut && end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    bodyValues[partId] = {
      value: cut ? bytes.subarray(0, end).toString('utf8') : text,
      isEncodingProblem: false,
      isTruncated: cut,
    };
  }
  return {
    textBody: split.textBody.map((part) => bodyPartObject(raw, messageBlobId, part, values.parts)),
    htmlBody: split.htmlBody.map((part) => bodyPartObject(raw, messageBlobId, part, values.parts)),
    attachments: split.attachments.map((part) => bodyPartObject(raw, messageBlobId, part, values.parts)),
    bodyValues,
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
