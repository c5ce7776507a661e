/**
 * IMAP ENVELOPE values from a message's header fields (RFC 9051 §7.5.2).
 *
 * Implementation notes
 * - The first occurrence of each field is used, as Python's email package and most IMAP servers do.
 * - Values are unfolded and trimmed but not RFC 2047-decoded; 8-bit bytes are read as UTF-8 when
 *   valid, else latin-1, since the envelope is carried as JavaScript strings.
 * - A field that is present but empty gives null, as NIL is what clients expect for it.
 * - sender and reply-to default to from when absent (RFC 9051 §7.5.2).
 */
import { parseEnvelopeAddresses } from './address.js';
import { decodeUtf8OrLatin1 } from './charset.js';
import { findField, type RawField } from './header-block.js';
import type { Envelope, EnvelopeAddress } from './types.js';

/** Header value as text, 8-bit bytes read as UTF-8 else latin-1, encoded words left alone. */
export function fieldText(binary: string): string {
  return decodeUtf8OrLatin1(Buffer.from(binary, 'latin1'));
}

function textOf(fields: RawField[], key: string): string | null {
  const field = findField(fields, key);
  if (field === undefined || field.value.length === 0) return null;
  return fieldText(field.value);
}

function addressesOf(fields: RawField[], key: string): EnvelopeAddress[] | null {
  const text = textOf(fields, key);
  if (text === null) return null;
  const list = parseEnvelopeAddresses(text);
  return list.length > 0 ? list : null;
}

export function buildEnvelope(fields: RawField[]): Envelope {
  const from = addressesOf(fields, 'from');
  return {
    date: textOf(fields, 'date'),
    subject: textOf(fields, 'subject'),
    from,
    sender: addressesOf(fields, 'sender') ?? from,
    replyTo: addressesOf(fields, 'reply-to') ?? from,
    to: addressesOf(fields, 'to'),
    cc: addressesOf(fields, 'cc'),
    bcc: addressesOf(fields, 'bcc'),
    inReplyTo: textOf(fields, 'in-reply-to'),
    messageId: textOf(fields, 'message-id'),
  };
}

/** Message ids (`<id>`) in a Message-ID, In-Reply-To or References value, without brackets. */
export function parseMessageIds(value: string): string[] {
  const ids: string[] = [];
  for (const match of value.matchAll(/<([^<>]*)>/g)) {
    const id = (match[1] as string).replace(/\s+/g, '');
    if (id.length > 0) ids.push(id);
  }
  if (ids.length === 0) {
    // Bracketless ids from broken mailers: take the words that look like id-left@id-right.
    for (const word of value.split(/[\s,]+/)) if (/^[^@\s]+@[^@\s]+$/.test(word)) ids.push(word);
  }
  return ids;
}
