/**
 * BODY[section] (RFC 9051 §6.4.5): the bytes a section names, sliced from the raw message by the
 * offsets stored at delivery, and partial fetches `<start.count>`.
 *
 * Implementation notes
 * - Nothing is re-encoded: a section is a slice of the blob as delivered (line endings included),
 *   except HEADER.FIELDS[.NOT], which is the matching fields in their original order and folding
 *   followed by the blank line, as RFC 9051 requires.
 * - HEADER, TEXT and HEADER.FIELDS after a part number apply to a message/rfc822 part (its nested
 *   message); on another part they name nothing. A section that names nothing gives an empty string
 *   rather than an error, so a client walking a malformed structure keeps going (Dovecot does the
 *   same; the RFC leaves the answer open).
 * - Field names compare case-insensitively (RFC 5322 §1.2.2).
 */
import { findPart, type MimePart } from '../../lib/mime/index.js';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface Section {
  /** Part number, '' for the whole message: '1', '1.2'. */
  part: string;
  text: SectionText | null;
  /** Field names for HEADER.FIELDS and HEADER.FIELDS.NOT. */
  fields: string[];
}

export function extractSection(raw: Buffer, root: MimePart, section: Section): Buffer {
  const part = findPart(root, section.part);
  if (!part) return Buffer.alloc(0);
  const slice = (start: number, end: number) => raw.subarray(clamp(start, raw), clamp(end, raw));
  if (section.text === null) {
    return section.part === '' ? raw : slice(part.bodyStart, part.bodyEnd);
  }
  if (section.text === 'MIME') {
    return section.part === '' ? Buffer.alloc(0) : slice(part.headerStart, part.bodyStart);
  }
  // HEADER / TEXT / HEADER.FIELDS: of the message itself, or of a message/rfc822 part's message.
  const message = section.part === '' ? root : part.message?.root;
  if (!message) return Buffer.alloc(0);
  if (section.text === 'TEXT') return slice(message.bodyStart, message.bodyEnd);
  const header = slice(message.headerStart, message.bodyStart);
  if (section.text === 'HEADER') return header;
  return selectFields(header, section.fields, section.text === 'HEADER.FIELDS.NOT');
}

/** `<start.count>`: at most `count` bytes from `start`; empty past the end. */
export function partial(bytes: Buffer, start: number, count: number | null): Buffer {
  if (start >= bytes.length) return Buffer.alloc(0);
  return bytes.subarray(start, count === null ? bytes.length : Math.min(bytes.length, start + count));
}

/** The fields of a header block whose names are (or, with `exclude`, are not) in `names`. */
export function selectFields(header: Buffer, names: string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const kept: Buffer[] = [];
  for (const field of splitFields(header)) {
    const colon = field.indexOf(0x3a);
    const name = (colon < 0 ? '' : field.subarray(0, colon).toString('latin1')).trim().toLowerCase();
    if (name !== '' && wanted.has(name) !== exclude) kept.push(field);
  }
  kept.push(Buffer.from('\r\n'));
  return Buffer.concat(kept);
}

/** Header fields with their continuation lines and line ends; stops at the blank line. */
function splitFields(header: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let fieldStart = -1;
  let lineStart = 0;
  while (lineStart < header.length) {
    const newline = header.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 ? header.length : newline + 1;
    const first = header[lineStart];
    const blank = first === 0x0a || (first === 0x0d && header[lineStart + 1] === 0x0a);
    if (blank) break;
    const continuation = first === 0x20 || first === 0x09;
    if (!continuation) {
      if (fieldStart >= 0) fields.push(header.subarray(fieldStart, lineStart));
      fieldStart = lineStart;
    }
    lineStart = lineEnd;
  }
  if (fieldStart >= 0) fields.push(header.subarray(fieldStart, lineStart));
  return fields.map(withCrlf);
}

/** A field as sent, but ending in CRLF even when the message used bare LF or none at the end. */
function withCrlf(field: Buffer): Buffer {
  if (field.length >= 2 && field[field.length - 2] === 0x0d && field[field.length - 1] === 0x0a) return field;
  if (field.length >= 1 && field[field.length - 1] === 0x0a) {
    return Buffer.concat([field.subarray(0, field.length - 1), Buffer.from('\r\n')]);
  }
  return Buffer.concat([field, Buffer.from('\r\n')]);
}

function clamp(offset: number, raw: Buffer): number {
  return Math.max(0, Math.min(offset, raw.length));
}
