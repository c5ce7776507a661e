/**
 * Header blocks: where a part's header ends and its body starts, and the unfolded fields.
 *
 * Implementation notes
 * - Line endings are LF with an optional CR before it; offsets are never computed on a normalised
 *   copy, so bare-LF and mixed messages keep exact positions.
 * - The header block ends after the first empty line. As in Python's email package, it also ends
 *   (without a blank line) at the first line that is neither a field (`name:` with printable ASCII
 *   in the name, blanks allowed before the colon) nor a continuation: that line starts the body.
 *   A first line starting `From ` (an mbox envelope line) is skipped, not taken as the body.
 * - Only the first `maxHeaderBytes` bytes are turned into fields; the scan for the end of the block
 *   goes on (it is a cheap byte scan), so offsets stay right when the cap is hit.
 * - Field values are binary strings (one char per byte), unfolded by removing the line breaks
 *   before continuation lines (RFC 5322 §2.2.3), blanks kept, leading and trailing blanks trimmed.
 */

export interface RawField {
  /** Name as written (case kept). */
  name: string;
  /** Lower-cased name, for lookups. */
  key: string;
  /** Unfolded value as a binary string. */
  value: string;
}

export interface HeaderBlock {
  fields: RawField[];
  bodyStart: number;
}

const LF = 0x0a;
const CR = 0x0d;

function isFieldNameByte(byte: number): boolean {
  return byte >= 0x21 && byte <= 0x7e && byte !== 0x3a;
}

/** Position of ':' if the line [start, end) is a header field line, else -1. */
function fieldColon(raw: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isFieldNameByte(raw[i] as number)) i++;
  if (i === start) return -1;
  while (i < end && (raw[i] === 0x20 || raw[i] === 0x09)) i++;
  return i < end && raw[i] === 0x3a ? i : -1;
}

function startsWithFromSpace(raw: Buffer, start: number, end: number): boolean {
  return end - start >= 5 && raw.toString('latin1', start, start + 5) === 'From ';
}

export function readHeaderBlock(
  raw: Buffer,
  start: number,
  end: number,
  maxHeaderBytes: number,
): HeaderBlock {
  const fields: RawField[] = [];
  const parseEnd = Math.min(end, start + maxHeaderBytes);
  let current: { name: string; colon: number; lines: string[] } | null = null;
  const finish = (): void => {
    if (current === null) return;
    const value = current.lines.join('').replace(/^[ \t]+|[ \t]+$/g, '');
    fields.push({ name: current.name, key: current.name.toLowerCase(), value });
    current = null;
  };
  const view = raw.subarray(0, end);
  let pos = start;
  let bodyStart = end;
  while (pos < end) {
    const lf = view.indexOf(LF, pos);
    const next = lf < 0 ? end : lf + 1;
    let contentEnd = lf < 0 ? end : lf;
    if (contentEnd > pos && raw[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) {
      bodyStart = next;
      break;
    }
    const first = raw[pos] as number;
    const isWithinCap = pos < parseEnd;
    if (first === 0x20 || first === 0x09) {
      if (current !== null && isWithinCap) {
        (current as { lines: string[] }).lines.push(
          raw.toString('latin1', pos, Math.min(contentEnd, parseEnd)),
        );
      }
    } else if (pos === start && startsWithFromSpace(raw, pos, contentEnd)) {
      // mbox envelope line: not a field, not the body.
    } else {
      const colon = fieldColon(raw, pos, contentEnd);
      if (colon < 0) {
        bodyStart = pos;
        break;
      }
      finish();
      if (isWithinCap) {
        current = {
          name: raw.toString('latin1', pos, colon).trimEnd(),
          colon,
          lines: [raw.toString('latin1', colon + 1, Math.min(contentEnd, parseEnd))],
        };
      }
    }
    pos = next;
  }
  finish();
  return { fields, bodyStart };
}

export function findField(fields: RawField[], key: string): RawField | undefined {
  return fields.find((field) => field.key === key);
}
