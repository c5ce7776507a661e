/**
 * Body bytes and text of a part, and its raw header fields, read back from the raw blob.
 *
 * Implementation notes
 * - These functions take the raw blob and a MimePart from parseMessage; offsets outside the blob
 *   are clamped rather than trusted, so a part from another message gives garbage, not a throw.
 * - Text rule: the declared charset is used (see charset.ts: unknown or absent → UTF-8 when valid,
 *   else latin-1). A multipart with no children is read as text (its body is the only text).
 */
import { decodeCharset, decodeUtf8OrLatin1 } from './charset.js';
import { readHeaderBlock } from './header-block.js';
import { decodeTransferEncoding } from './transfer-encoding.js';
import type { HeaderField, MimePart } from './types.js';

function clamp(value: number, raw: Buffer): number {
  return Math.max(0, Math.min(raw.length, value));
}

/** Content-transfer-decoded bytes of a part's body (base64, quoted-printable, else as is). */
export function decodeBody(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(clamp(part.bodyStart, raw), clamp(part.bodyEnd, raw));
  if (part.type === 'multipart' || (part.type === 'message' && part.message !== null)) return body;
  return decodeTransferEncoding(body, part.encoding);
}

/** Decoded body as text, in the part's declared charset. */
export function decodeText(raw: Buffer, part: MimePart): string {
  return decodeCharset(decodeBody(raw, part), part.params.charset);
}

/**
 * Header fields of a part as written (name case kept, value unfolded, 8-bit bytes read as UTF-8
 * else latin-1, encoded words not decoded), in order, for BODY[HEADER.FIELDS].
 */
export function getHeaders(raw: Buffer, part: MimePart): HeaderField[] {
  const start = clamp(part.headerStart, raw);
  const end = Math.max(start, clamp(part.bodyStart, raw));
  return headerFields(raw, start, end);
}

/** The fields of a message's top-level header, from bytes that may stop right after it. */
export function getMessageHeaders(raw: Buffer): HeaderField[] {
  return headerFields(raw, 0, raw.length);
}

function headerFields(raw: Buffer, start: number, end: number): HeaderField[] {
  return readHeaderBlock(raw, start, end, end - start).fields.map((field) => ({
    name: field.name,
    value: decodeUtf8OrLatin1(Buffer.from(field.value, 'latin1')),
  }));
}
