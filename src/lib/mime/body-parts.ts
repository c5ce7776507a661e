/**
 * Which parts are the body and which are attachments, the search text and the preview.
 *
 * Implementation notes
 * - The split follows the JMAP algorithm (RFC 8621 §4.1.4): text/plain, text/html and inline media
 *   in the main flow are the body; in multipart/alternative the plain and HTML branches are kept
 *   apart; every other leaf (and every leaf with disposition attachment, or a name outside the first
 *   position) is an attachment. message/rfc822 parts are attachments and are not descended into.
 * - Search text is the text body: text/plain decoded, text/html reduced to its text. It is built
 *   part by part and stops as soon as maxTextChars characters are reached, so a huge body costs at
 *   most one decode of the part that crosses the cap.
 * - Attachment size is the decoded size when it is cheap to know (identity encodings, and base64 by
 *   counting its alphabet), else the encoded size (quoted-printable).
 */
import { decodeText } from './decode.js';
import { htmlToText } from './html-text.js';
import { base64DecodedLength } from './transfer-encoding.js';
import type { AttachmentInfo, MimePart } from './types.js';

function isInlineMedia(part: MimePart): boolean {
  return part.type === 'image' || part.type === 'audio' || part.type === 'video';
}

function fullType(part: MimePart): string {
  return `${part.type}/${part.subtype}`;
}

export function partFilename(part: MimePart): string | null {
  const name = part.disposition?.params.filename ?? part.params.name;
  return name === undefined ? null : name;
}

interface Split {
  textBody: MimePart[] | null;
  htmlBody: MimePart[] | null;
  attachments: MimePart[];
}

function splitParts(parts: MimePart[], multipartType: string, isInAlternative: boolean, split: Split): void {
  const textLength = split.textBody === null ? -1 : split.textBody.length;
  const htmlLength = split.htmlBody === null ? -1 : split.htmlBody.length;
  for (const [index, part] of parts.entries()) {
    const type = fullType(part);
    const isInline =
      part.disposition?.type !== 'attachment' &&
      (type === 'text/plain' || type === 'text/html' || isInlineMedia(part)) &&
      (index === 0 || (multipartType !== 'related' && (isInlineMedia(part) || partFilename(part) === null)));
    if (part.type === 'multipart') {
      if (part.children.length === 0) {
        // A multipart whose boundary never appears: its body is the only text there is.
        split.textBody?.push(part);
        split.htmlBody?.push(part);
        continue;
      }
      splitParts(part.children, part.subtype, isInAlternative || part.subtype === 'alternative', split);
    } else if (isInline) {
      if (multipartType === 'alternative') {
        if (type === 'text/plain') split.textBody?.push(part);
        else if (type === 'text/html') split.htmlBody?.push(part);
        else split.attachments.push(part);
        continue;
      }
      let textBody = split.textBody;
      let htmlBody = split.htmlBody;
      if (isInAlternative) {
        if (type === 'text/plain') htmlBody = null;
        if (type === 'text/html') textBody = null;
      }
      textBody?.push(part);
      htmlBody?.push(part);
      if ((textBody === null || htmlBody === null) && isInlineMedia(part)) split.attachments.push(part);
    } else {
      split.attachments.push(part);
    }
  }
  if (multipartType === 'alternative' && split.textBody !== null && split.htmlBody !== null) {
    if (textLength === split.textBody.length && htmlLength !== split.htmlBody.length) {
      split.textBody.push(...split.htmlBody.slice(htmlLength));
    }
    if (htmlLength === split.htmlBody.length && textLength !== split.textBody.length) {
      split.htmlBody.push(...split.textBody.slice(textLength));
    }
  }
}

export function attachmentSize(raw: Buffer, part: MimePart): number {
  if (part.encoding === 'base64') return base64DecodedLength(raw.subarray(part.bodyStart, part.bodyEnd));
  return part.size;
}

export interface BodySummary {
  textBody: string;
  preview: string;
  attachments: AttachmentInfo[];
}

/** The message's text body, HTML body and attachments, as parts (RFC 8621 §4.1.4). */
export function splitBody(root: MimePart): {
  textBody: MimePart[];
  htmlBody: MimePart[];
  attachments: MimePart[];
} {
  const split: Split = { textBody: [], htmlBody: [], attachments: [] };
  splitParts([root], 'mixed', false, split);
  return { textBody: split.textBody ?? [], htmlBody: split.htmlBody ?? [], attachments: split.attachments };
}

export function summariseBody(raw: Buffer, root: MimePart, maxTextChars: number): BodySummary {
  const split = splitBody(root);
  const texts: string[] = [];
  let length = 0;
  for (const part of split.textBody) {
    if (length >= maxTextChars) break;
    if (part.type !== 'text' && part.type !== 'multipart') continue;
    const decoded = decodeText(raw, part);
    const text = part.subtype === 'html' ? htmlToText(decoded) : decoded;
    const kept = text.slice(0, maxTextChars - length);
    texts.push(kept);
    length += kept.length + 1;
  }
  const textBody = texts.join('\n').slice(0, maxTextChars);
  const preview = textBody.slice(0, 4096).replace(/\s+/g, ' ').trim().slice(0, 256);
  const attachments = split.attachments.map((part) => ({
    partId: part.partId,
    filename: partFilename(part),
    contentType: fullType(part),
    size: attachmentSize(raw, part),
    disposition: part.disposition?.type ?? null,
  }));
  return { textBody, preview, attachments };
}
