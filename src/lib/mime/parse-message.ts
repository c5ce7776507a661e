/**
 * parseMessage: the metadata stored once at delivery beside the raw blob.
 *
 * Implementation notes
 * - Never throws on any raw input and never normalises it (offsets are into the blob as given);
 *   it throws only a MimeLimitError for invalid limits, which is a programming error.
 * - Limits, and the threat each one stops:
 *   - maxDepth (32): deeply nested multiparts or message/rfc822 chains exhausting the stack and
 *     making the O(size × depth) scan quadratic.
 *   - maxParts (2000): a body of tiny parts inflating the stored metadata (each part is a row-sized
 *     object) and every BODYSTRUCTURE answer.
 *   - maxHeaderBytes (256 KiB per part): giant header blocks turned into strings and field lists.
 *   - maxTextChars (1 Mi characters): the full-text index and memory swollen by one huge body.
 * - Decoded fields use the first occurrence of a header. Decoded address lists are [] when the
 *   header is absent (JMAP semantics: sender and replyTo do not default to from, unlike the
 *   envelope); an absent or unparseable Date gives null.
 */
import { parseAddressList } from './address.js';
import { summariseBody } from './body-parts.js';
import { parseDate } from './date.js';
import { decodeHeaderBinary } from './encoded-words.js';
import { buildEnvelope, fieldText, parseMessageIds } from './envelope.js';
import { findField, type RawField } from './header-block.js';
import { parseTree } from './structure.js';
import type { Address, MimeLimits, ParsedMessage } from './types.js';

export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxDepth: 32,
  maxParts: 2000,
  maxHeaderBytes: 256 * 1024,
  maxTextChars: 1024 * 1024,
});

export class MimeLimitError extends RangeError {
  readonly code = 'mime.invalid_limit';
}

function resolveLimits(limits: Partial<MimeLimits> | undefined): MimeLimits {
  const resolved: MimeLimits = { ...DEFAULT_MIME_LIMITS };
  for (const key of Object.keys(DEFAULT_MIME_LIMITS) as Array<keyof MimeLimits>) {
    const value = limits?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new MimeLimitError(`${key} must be a non-negative integer, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

function decodedField(fields: RawField[], key: string): string | null {
  const field = findField(fields, key);
  return field === undefined ? null : decodeHeaderBinary(field.value);
}

/**
 * Parses a raw message into the metadata kept beside its blob.
 * @throws {MimeLimitError} when a limit is not a non-negative integer; never on message content.
 */
export function parseMessage(raw: Buffer, limits?: Partial<MimeLimits>): ParsedMessage {
  const resolved = resolveLimits(limits);
  const { root, fields } = parseTree(raw, resolved);
  const text = (key: string): string | null => {
    const field = findField(fields, key);
    return field === undefined ? null : fieldText(field.value);
  };
  const addresses = (key: string): Address[] => {
    const value = text(key);
    return value === null ? [] : parseAddressList(value);
  };
  const date = text('date');
  const messageId = text('message-id');
  const body = summariseBody(raw, root, resolved.maxTextChars);
  return {
    root,
    envelope: buildEnvelope(fields),
    subject: (decodedField(fields, 'subject') ?? '').replace(/[ \t]*\r?\n[ \t]*/g, ' ').trim(),
    from: addresses('from'),
    sender: addresses('sender'),
    replyTo: addresses('reply-to'),
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    sentAt: date === null ? null : parseDate(date),
    messageId: messageId === null ? null : (parseMessageIds(messageId)[0] ?? null),
    inReplyTo: parseMessageIds(text('in-reply-to') ?? ''),
    references: parseMessageIds(text('references') ?? ''),
    textBody: body.textBody,
    preview: body.preview,
    attachments: body.attachments,
    hasAttachment: body.attachments.length > 0,
  };
}
