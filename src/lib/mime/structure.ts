/**
 * The MIME part tree with exact byte offsets (RFC 2045, RFC 2046, RFC 9051 §6.4.5 numbering).
 *
 * Implementation notes
 * - Top-down: a multipart finds its own delimiters inside its body range before its children are
 *   parsed, so a child never reaches outside its parent (offsets are nested by construction) and a
 *   missing inner close-delimiter ends at the parent's next delimiter.
 * - Delimiter lines are `--boundary`, optionally `--`, then only blanks to the end of the line, at the
 *   start of a line (RFC 2046 §5.1.1). The line break before a delimiter belongs to the delimiter,
 *   so a child body ends before it. A missing close-delimiter ends the last child at the end of the
 *   parent's body; a boundary that never appears leaves the multipart with no children (the IMAP
 *   layer renders that as an empty text/plain, as Dovecot does).
 * - Numbering: children of a multipart are `<parent>.<n>`. A message root (top-level, or
 *   encapsulated in a message/rfc822 part) carries the section prefix of its message: '' at top
 *   level, X for a message in part X. A non-multipart message root is also its own part `<prefix>.1`
 *   (`1` at top level): findPart resolves that. The message encapsulated in a non-multipart root R
 *   therefore has the prefix `R.1`.
 * - Content-Type that is absent or invalid defaults to text/plain (RFC 2045 §5.2), or to
 *   message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
 * - message/rfc822 and message/global with a base64 or quoted-printable encoding are leaves: their
 *   encapsulated offsets would not be offsets into the raw blob.
 * - Limits: beyond maxDepth a multipart or message part is a leaf; once maxParts parts exist no more
 *   are listed (their bytes stay inside the parent's body range). Each level scans only its own
 *   range, so the work is O(input × depth) with depth capped.
 */
import { buildEnvelope, fieldText } from './envelope.js';
import { findField, type RawField, readHeaderBlock } from './header-block.js';
import { parseParameterValue } from './parameters.js';
import type { MimeLimits, MimePart } from './types.js';

interface Context {
  raw: Buffer;
  limits: MimeLimits;
  partCount: number;
}

const LF = 0x0a;
const CR = 0x0d;

interface Delimiter {
  /** Start of the delimiter line. */
  lineStart: number;
  /** First byte after the delimiter line (and its line break). */
  after: number;
  isClose: boolean;
}

function findDelimiters(raw: Buffer, start: number, end: number, boundary: string, max: number): Delimiter[] {
  const needle = Buffer.from(`--${boundary}`, 'latin1');
  const view = raw.subarray(0, end);
  const delimiters: Delimiter[] = [];
  let pos = start;
  while (pos < end && delimiters.length < max) {
    const index = view.indexOf(needle, pos);
    if (index < 0) break;
    pos = index + 1;
    if (index !== start && raw[index - 1] !== LF) continue;
    let j = index + needle.length;
    const isClose = j + 1 < end && raw[j] === 0x2d && raw[j + 1] === 0x2d;
    if (isClose) j += 2;
    while (j < end && (raw[j] === 0x20 || raw[j] === 0x09)) j++;
    if (j < end && raw[j] === CR && (j + 1 === end || raw[j + 1] === LF)) j++;
    if (j < end && raw[j] !== LF) continue;
    const after = Math.min(end, j + 1);
    delimiters.push({ lineStart: index, after, isClose });
    pos = after;
    if (isClose) break;
  }
  return delimiters;
}

/** End of a body that is followed by a delimiter line starting at lineStart. */
function endBeforeDelimiter(raw: Buffer, start: number, lineStart: number): number {
  let end = lineStart;
  if (end > start && raw[end - 1] === LF) end--;
  if (end > start && raw[end - 1] === CR) end--;
  return end;
}

function countLines(raw: Buffer, start: number, end: number): number {
  let lines = 0;
  let pos = start;
  const view = raw.subarray(0, end);
  for (;;) {
    const lf = view.indexOf(LF, pos);
    if (lf < 0) break;
    lines++;
    pos = lf + 1;
  }
  return pos < end ? lines + 1 : lines;
}

function textOrNull(fields: RawField[], key: string): string | null {
  const field = findField(fields, key);
  return field === undefined ? null : fieldText(field.value);
}

function isValidToken(text: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(text);
}

function sectionAddress(part: MimePart, isMessageRoot: boolean): string {
  if (!isMessageRoot) return part.partId;
  return part.partId === '' ? '1' : `${part.partId}.1`;
}

function parsePart(
  ctx: Context,
  start: number,
  end: number,
  partId: string,
  depth: number,
  isInDigest: boolean,
  isMessageRoot: boolean,
): { part: MimePart; fields: RawField[] } {
  const { raw, limits } = ctx;
  ctx.partCount++;
  const header = readHeaderBlock(raw, start, end, limits.maxHeaderBytes);
  const fields = header.fields;
  const bodyStart = header.bodyStart;

  let type = isInDigest ? 'message' : 'text';
  let subtype = isInDigest ? 'rfc822' : 'plain';
  let params: Record<string, string> = {};
  const contentType = findField(fields, 'content-type');
  if (contentType !== undefined) {
    const parsed = parseParameterValue(contentType.value);
    const slash = parsed.value.indexOf('/');
    const major = slash >= 0 ? parsed.value.slice(0, slash).trim() : '';
    const minor = slash >= 0 ? parsed.value.slice(slash + 1).trim() : '';
    params = parsed.params;
    if (isValidToken(major) && isValidToken(minor)) {
      type = major;
      subtype = minor;
    }
  }
  const dispositionField = findField(fields, 'content-disposition');
  let disposition: MimePart['disposition'] = null;
  if (dispositionField !== undefined) {
    const parsed = parseParameterValue(dispositionField.value);
    if (parsed.value.length > 0) disposition = { type: parsed.value, params: parsed.params };
  }
  const encodingField = findField(fields, 'content-transfer-encoding');
  const encodingText = encodingField === undefined ? '' : parseParameterValue(encodingField.value).value;
  const language = textOrNull(fields, 'content-language');
  const isText = type === 'text';
  const isMessage = type === 'message' && (subtype === 'rfc822' || subtype === 'global');

  const part: MimePart = {
    partId,
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    type,
    subtype,
    params,
    id: textOrNull(fields, 'content-id'),
    description: textOrNull(fields, 'content-description'),
    encoding: encodingText.length > 0 ? encodingText : '7bit',
    disposition,
    language:
      language === null
        ? null
        : language
            .split(/[\s,]+/)
            .map((tag) => tag.trim())
            .filter((tag) => tag.length > 0),
    location: textOrNull(fields, 'content-location'),
    md5: textOrNull(fields, 'content-md5'),
    size: end - bodyStart,
    lines: isText || isMessage ? countLines(raw, bodyStart, end) : null,
    children: [],
    message: null,
  };

  const canDescend = depth < limits.maxDepth;
  const boundary = params.boundary;
  if (type === 'multipart' && canDescend && boundary !== undefined && boundary.length > 0) {
    const budget = limits.maxParts - ctx.partCount;
    const delimiters = findDelimiters(raw, bodyStart, end, boundary, budget + 1);
    const prefix = partId === '' ? '' : `${partId}.`;
    for (let i = 0; i < delimiters.length; i++) {
      const delimiter = delimiters[i] as Delimiter;
      if (delimiter.isClose || ctx.partCount >= limits.maxParts) break;
      const next = delimiters[i + 1];
      const childEnd = next === undefined ? end : endBeforeDelimiter(raw, delimiter.after, next.lineStart);
      const child = parsePart(
        ctx,
        delimiter.after,
        childEnd,
        `${prefix}${part.children.length + 1}`,
        depth + 1,
        subtype === 'digest',
        false,
      );
      part.children.push(child.part);
    }
  } else if (
    isMessage &&
    canDescend &&
    ctx.partCount < limits.maxParts &&
    !/^(base64|quoted-printable)$/.test(part.encoding)
  ) {
    const inner = parsePart(ctx, bodyStart, end, sectionAddress(part, isMessageRoot), depth + 1, false, true);
    part.message = { envelope: buildEnvelope(inner.fields), root: inner.part };
  }
  return { part, fields };
}

export function parseTree(raw: Buffer, limits: MimeLimits): { root: MimePart; fields: RawField[] } {
  const { part, fields } = parsePart({ raw, limits, partCount: 0 }, 0, raw.length, '', 0, false, true);
  return { root: part, fields };
}

/**
 * Resolves an IMAP section number ('1', '2.1.3') to a part, following RFC 9051 §6.4.5: a
 * non-multipart message is its own part 1, and the parts of a message/rfc822 part continue its
 * number. '' gives the root. Returns null when there is no such part.
 */
export function findPart(root: MimePart, section: string): MimePart | null {
  if (section === '') return root;
  const numbers = section.split('.').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) return null;
  let part: MimePart = root;
  let isMessageRoot = true;
  for (const n of numbers) {
    if (!isMessageRoot && part.message !== null) {
      part = part.message.root;
      isMessageRoot = true;
    }
    if (part.type === 'multipart') {
      const child = part.children[n - 1];
      if (child === undefined) return null;
      part = child;
      isMessageRoot = false;
    } else if (isMessageRoot && n === 1) {
      isMessageRoot = false;
    } else {
      return null;
    }
  }
  return part;
}
