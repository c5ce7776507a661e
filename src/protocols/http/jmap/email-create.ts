/**
 * Email/set create (RFC 8621 §4.6): a message written by the user — a draft, usually — made from
 * JMAP properties: addresses, subject, threading ids, one text and/or one HTML body given in
 * bodyValues, and attachments named by blob id (an upload, or a part of one of the user's
 * messages: forwarding keeps the original's files without uploading them again).
 *
 * Implementation notes
 * - The message goes into exactly one mailbox (`mailboxIds` with one id): what a composer does.
 *   Several are refused (invalidProperties) rather than half-supported.
 * - Header-form properties (`header:X-Foo`) and `bodyStructure` are not supported yet: refused, so a
 *   client never believes they were kept.
 * - Text is cleaned of CR and LF where a header would carry it (subject, names): no header injection.
 * - Attachments add up to at most maxSizeAttachmentsPerEmail (tooLarge beyond).
 */
import { createEmail, type NewEmail } from '../../../core/compose/index.js';
import { isKeyword } from '../../../core/mail/index.js';
import { UserError } from '../../../lib/errors/index.js';
import type { ComposeAddress, ComposeAttachment } from '../../../lib/mime/index.js';
import { readAccountBlob } from './blob-access.js';
import type { MethodContext } from './dispatch.js';
import { type MethodError, methodError } from './request.js';

const KNOWN = new Set([
  'mailboxIds',
  'keywords',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'inReplyTo',
  'references',
  'textBody',
  'htmlBody',
  'bodyValues',
  'attachments',
  'receivedAt',
]);
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;
const MESSAGE_ID = /^[^\s<>]+@[^\s<>]+$/;

class Invalid extends Error {
  constructor(readonly error: MethodError) {
    super(error.description);
  }
}

const invalid = (property: string, description: string) =>
  new Invalid(methodError('invalidProperties', description, { properties: [property] }));

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

function addresses(object: Record<string, unknown>, property: string): ComposeAddress[] {
  const value = object[property];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(property, `${property} must be a list of addresses`);
  return value.map((entry) => {
    const { name, email } = (entry ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || !ADDRESS.test(email))
      throw invalid(property, `${property}: bad address`);
    if (name !== undefined && name !== null && typeof name !== 'string')
      throw invalid(property, `${property}: bad name`);
    return { name: oneLine((name as string | null) ?? ''), address: email };
  });
}

function messageIds(object: Record<string, unknown>, property: string): string[] {
  const value = object[property];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && MESSAGE_ID.test(v))) {
    throw invalid(property, `${property} must be a list of message ids`);
  }
  return value as string[];
}

function trueMap(object: Record<string, unknown>, property: string): string[] {
  const value = object[property];
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => v === true)) {
    throw invalid(property, `${property} must be an object of true values`);
  }
  return Object.keys(value);
}

/** The one body part of `property`, of `type`, whose text is in bodyValues. */
function bodyText(
  object: Record<string, unknown>,
  property: 'textBody' | 'htmlBody',
  type: string,
): string | null {
  const parts = object[property];
  if (parts === undefined || parts === null) return null;
  if (!Array.isArray(parts) || parts.length !== 1) throw invalid(property, `${property} must hold one part`);
  const { partId, type: given } = (parts[0] ?? {}) as Record<string, unknown>;
  if (given !== undefined && given !== type) throw invalid(property, `${property} must be ${type}`);
  const values = (object.bodyValues ?? {}) as Record<string, { value?: unknown }>;
  const value = typeof partId === 'string' ? values[partId]?.value : undefined;
  if (typeof value !== 'string') throw invalid(property, `${property} must name a part of bodyValues`);
  return value;
}

async function attachmentsOf(
  call: MethodContext,
  object: Record<string, unknown>,
  maxBytes: number,
): Promise<ComposeAttachment[]> {
  const value = object.attachments;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('attachments', 'attachments must be a list of parts');
  const out: ComposeAttachment[] = [];
  const missing: string[] = [];
  let total = 0;
  for (const entry of value) {
    const { blobId, type, name, disposition, cid } = (entry ?? {}) as Record<string, unknown>;
    if (typeof blobId !== 'string') throw invalid('attachments', 'each attachment needs a blobId');
    const blob = await readAccountBlob(call.ctx, call.account, blobId);
    if (!blob) {
      missing.push(blobId);
      continue;
    }
    total += blob.bytes.length;
    if (total > maxBytes) {
      throw new Invalid(
        methodError('tooLarge', `attachments are limited to ${maxBytes} bytes in all`, { maxSize: maxBytes }),
      );
    }
    out.push({
      content: blob.bytes,
      filename: typeof name === 'string' ? oneLine(name) : null,
      contentType:
        typeof type === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(type)
          ? type
          : (blob.type ?? 'application/octet-stream'),
      cid: typeof cid === 'string' && MESSAGE_ID.test(cid) ? cid : null,
      inline: disposition === 'inline',
    });
  }
  if (missing.length > 0) {
    throw new Invalid(methodError('blobNotFound', 'unknown blob ids', { notFound: missing }));
  }
  return out;
}

async function parseCreate(
  call: MethodContext,
  object: unknown,
  maxAttachmentBytes: number,
): Promise<NewEmail> {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Invalid(methodError('invalidProperties', 'an email to create is an object'));
  }
  const record = object as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) {
    throw new Invalid(
      methodError('invalidProperties', `not supported when creating: ${unknown.join(', ')}`, {
        properties: unknown,
      }),
    );
  }
  const mailboxIds = trueMap(record, 'mailboxIds').map((id) =>
    id.startsWith('#') ? (call.creationIds.get(id.slice(1)) ?? id) : id,
  );
  if (mailboxIds.length !== 1) throw invalid('mailboxIds', 'a new email goes into exactly one mailbox');
  const keywords = trueMap(record, 'keywords').map((k) => k.toLowerCase());
  if (!keywords.every(isKeyword)) throw invalid('keywords', 'bad keyword');
  const subject = record.subject ?? '';
  if (typeof subject !== 'string') throw invalid('subject', 'subject must be a string');
  const text = bodyText(record, 'textBody', 'text/plain');
  const html = bodyText(record, 'htmlBody', 'text/html');
  return {
    mailboxId: mailboxIds[0] as string,
    keywords,
    from: addresses(record, 'from'),
    to: addresses(record, 'to'),
    cc: addresses(record, 'cc'),
    bcc: addresses(record, 'bcc'),
    replyTo: addresses(record, 'replyTo'),
    subject: oneLine(subject),
    inReplyTo: messageIds(record, 'inReplyTo'),
    references: messageIds(record, 'references'),
    text: text ?? (html === null ? '' : null),
    html,
    attachments: await attachmentsOf(call, record, maxAttachmentBytes),
  };
}

const CREATE_ERRORS: Readonly<Record<string, (message: string) => MethodError>> = {
  'mail.from_not_owned': (message) => methodError('invalidProperties', message, { properties: ['from'] }),
  'mail.over_quota': (message) => methodError('overQuota', message),
  'mailbox.not_found': (message) => methodError('invalidProperties', message, { properties: ['mailboxIds'] }),
};

export async function createEmails(
  call: MethodContext,
  create: Record<string, unknown>,
  maxAttachmentBytes: number,
): Promise<{ created: Record<string, unknown>; notCreated: Record<string, MethodError> }> {
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, MethodError> = {};
  for (const [creationId, object] of Object.entries(create)) {
    try {
      const email = await createEmail(
        call.ctx,
        call.account,
        await parseCreate(call, object, maxAttachmentBytes),
      );
      created[creationId] = email;
      call.creationIds.set(creationId, email.id);
    } catch (error) {
      if (error instanceof Invalid) notCreated[creationId] = error.error;
      else if (error instanceof UserError) {
        notCreated[creationId] = (CREATE_ERRORS[error.code] ?? ((m) => methodError('forbidden', m)))(
          error.message,
        );
      } else throw error;
    }
  }
  return { created, notCreated };
}
