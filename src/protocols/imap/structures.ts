/**
 * ENVELOPE, BODY and BODYSTRUCTURE (RFC 9051 §7.5.2) from the metadata parsed at delivery.
 *
 * Implementation notes
 * - Rendered as wire text here rather than as a generic list: a multipart's children follow each
 *   other with no space between them (`body-type-mpart = 1*body SP media-subtype`), which a generic
 *   space-separated list encoder would get wrong. Strings go through the caller's `nstring`, so
 *   quoting, literals and UTF-8 follow the session's state (UTF8=ACCEPT).
 * - BODY is BODYSTRUCTURE without extension data (RFC 9051 §7.5.2).
 * - Type and subtype are upper-case in IMAP tradition (Dovecot and Cyrus do so; clients compare
 *   case-insensitively); parameter names too, values as sent.
 * - `text/*` parts carry their line count; `message/rfc822` parts carry the nested envelope, body
 *   and line count. A nested message that could not be parsed is described as an empty text part,
 *   so clients always get well-formed structures.
 */
import type { Envelope, EnvelopeAddress, MimePart } from '../../lib/mime/index.js';

export type NString = (value: string | null) => string;

export function renderEnvelope(envelope: Envelope, nstring: NString): string {
  return `(${[
    nstring(envelope.date),
    nstring(envelope.subject),
    addresses(envelope.from, nstring),
    addresses(envelope.sender, nstring),
    addresses(envelope.replyTo, nstring),
    addresses(envelope.to, nstring),
    addresses(envelope.cc, nstring),
    addresses(envelope.bcc, nstring),
    nstring(envelope.inReplyTo),
    nstring(envelope.messageId),
  ].join(' ')})`;
}

function addresses(list: EnvelopeAddress[] | null, nstring: NString): string {
  if (!list || list.length === 0) return 'NIL';
  return `(${list.map((a) => `(${nstring(a.name)} NIL ${nstring(a.mailbox)} ${nstring(a.host)})`).join('')})`;
}

/** BODYSTRUCTURE when `extended`, BODY otherwise. */
export function renderBodyStructure(part: MimePart, nstring: NString, extended: boolean): string {
  if (part.children.length > 0 || part.type.toLowerCase() === 'multipart') {
    const children = part.children.length > 0 ? part.children : [emptyTextPart(part)];
    const head = children.map((child) => renderBodyStructure(child, nstring, extended)).join('');
    const subtype = nstring(part.subtype.toUpperCase());
    if (!extended) return `(${head} ${subtype})`;
    return `(${head} ${subtype} ${params(part.params, nstring)} ${disposition(part, nstring)} ${language(part, nstring)} ${nstring(part.location)})`;
  }
  const type = part.type.toUpperCase();
  const subtype = part.subtype.toUpperCase();
  const fields = [
    nstring(type),
    nstring(subtype),
    params(part.params, nstring),
    nstring(part.id),
    nstring(part.description),
    nstring(part.encoding.toUpperCase()),
    String(part.size),
  ];
  if (type === 'MESSAGE' && (subtype === 'RFC822' || subtype === 'GLOBAL')) {
    const nested = part.message;
    if (nested) {
      fields.push(
        renderEnvelope(nested.envelope, nstring),
        renderBodyStructure(nested.root, nstring, extended),
      );
    } else {
      fields.push(
        renderEnvelope(EMPTY_ENVELOPE, nstring),
        renderBodyStructure(emptyTextPart(part), nstring, extended),
      );
    }
    fields.push(String(part.lines ?? 0));
  } else if (type === 'TEXT') {
    fields.push(String(part.lines ?? 0));
  }
  if (extended) {
    fields.push(
      nstring(part.md5),
      disposition(part, nstring),
      language(part, nstring),
      nstring(part.location),
    );
  }
  return `(${fields.join(' ')})`;
}

function params(values: Record<string, string>, nstring: NString): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return 'NIL';
  return `(${entries.map(([name, value]) => `${nstring(name.toUpperCase())} ${nstring(value)}`).join(' ')})`;
}

function disposition(part: MimePart, nstring: NString): string {
  if (!part.disposition) return 'NIL';
  return `(${nstring(part.disposition.type.toUpperCase())} ${params(part.disposition.params, nstring)})`;
}

function language(part: MimePart, nstring: NString): string {
  if (!part.language || part.language.length === 0) return 'NIL';
  return `(${part.language.map((tag) => nstring(tag)).join(' ')})`;
}

const EMPTY_ENVELOPE: Envelope = {
  date: null,
  subject: null,
  from: null,
  sender: null,
  replyTo: null,
  to: null,
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
};

function emptyTextPart(parent: MimePart): MimePart {
  return {
    partId: parent.partId ? `${parent.partId}.1` : '1',
    headerStart: parent.bodyStart,
    bodyStart: parent.bodyStart,
    bodyEnd: parent.bodyStart,
    type: 'text',
    subtype: 'plain',
    params: { charset: 'us-ascii' },
    id: null,
    description: null,
    encoding: '7bit',
    disposition: null,
    language: null,
    location: null,
    md5: null,
    size: 0,
    lines: 0,
    children: [],
    message: null,
  };
}
