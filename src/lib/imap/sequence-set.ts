/**
 * Sequence sets (RFC 9051 §9 `sequence-set`): `1:*,3,5:7`, or `$` for the saved search result.
 *
 * Implementation notes
 * - Strict syntax: seq-number = nz-number / "*", so 0, leading zeros, empty items and numbers over
 *   2^32-1 are rejected. `$` (RFC 5182 SEARCHRES, also RFC 9051) is only the whole set, never an
 *   item, and only when the server offers it (allowSaved); resolving it is the session's business.
 * - `*` is resolved against `max` (the message count, or the highest UID in use). A range is
 *   unordered (`7:3` = `3:7`, RFC 9051 §9), so `559:*` includes the last UID even when it is below
 *   559. With max = 0 (empty mailbox) `*` stands for 0, so a lone `*` selects nothing and `5:*` is
 *   1:5; `star` tells the handler that the client used it (RFC 9051 §9 seq-number: a tagged BAD for
 *   message sequence numbers in an empty mailbox, nothing special for UIDs). Numbers above `max`
 *   are kept: UID sets may name UIDs that do not exist, sequence-number handlers check ranges.
 * - The result is normalised: ranges sorted, overlapping and adjacent ones merged, so membership is
 *   a binary search and `1:4294967295` costs one range, not four billion numbers.
 */
import type { ImapNode } from './command-parser.js';
import { fail, ImapLimitError, type ImapResult, ok } from './errors.js';

export interface SequenceRange {
  /** Inclusive bounds, 1 <= start <= end. */
  readonly start: number;
  readonly end: number;
}

export type SequenceSet =
  | { readonly kind: 'set'; readonly ranges: readonly SequenceRange[]; readonly star: boolean }
  | { readonly kind: 'saved' };

export interface SequenceSetOptions {
  /** The value of `*`: message count or highest UID; 0 for an empty mailbox. */
  max: number;
  /** Accept `$` (the server advertises SEARCHRES or IMAP4rev2). */
  allowSaved?: boolean;
}

const MAX_NUMBER = 4_294_967_295;
const NZ_NUMBER = /^[1-9]\d{0,9}$/;

export function parseSequenceSet(
  input: ImapNode | string | undefined,
  options: SequenceSetOptions,
): ImapResult<SequenceSet> {
  if (!Number.isSafeInteger(options.max) || options.max < 0 || options.max > MAX_NUMBER) {
    throw new ImapLimitError(`max must be an integer from 0 to ${MAX_NUMBER}, got ${String(options.max)}`);
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input?.type === 'atom' && input.section === undefined) text = input.value;
  else return fail('Expected a sequence set');
  if (text === '$') return options.allowSaved ? ok({ kind: 'saved' }) : fail('Invalid sequence set');

  const raw: Array<[number, number]> = [];
  let star = false;
  const item = (value: string): number | null => {
    if (value === '*') {
      star = true;
      return options.max;
    }
    if (!NZ_NUMBER.test(value)) return null;
    const number = Number(value);
    return number <= MAX_NUMBER ? number : null;
  };
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    const first = item(colon < 0 ? part : part.slice(0, colon));
    const second = colon < 0 ? first : item(part.slice(colon + 1));
    if (first === null || second === null) return fail('Invalid sequence set');
    const low = Math.max(1, Math.min(first, second));
    const high = Math.max(first, second);
    if (high >= 1) raw.push([low, high]);
  }
  raw.sort((a, b) => a[0] - b[0]);
  const ranges: SequenceRange[] = [];
  let current: [number, number] | null = null;
  for (const range of raw) {
    if (current !== null && range[0] <= current[1] + 1) {
      current[1] = Math.max(current[1], range[1]);
      continue;
    }
    if (current !== null) ranges.push({ start: current[0], end: current[1] });
    current = [range[0], range[1]];
  }
  if (current !== null) ranges.push({ start: current[0], end: current[1] });
  return ok({ kind: 'set', ranges, star });
}

/** Whether n is in normalised ranges (as parseSequenceSet returns them). */
export function sequenceSetIncludes(ranges: readonly SequenceRange[], n: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid];
    if (range === undefined) return false;
    if (n < range.start) high = mid - 1;
    else if (n > range.end) low = mid + 1;
    else return true;
  }
  return false;
}

/** Formats ranges as a sequence set (for COPYUID, ESEARCH, VANISHED responses). */
export function formatSequenceSet(ranges: readonly SequenceRange[]): string {
  return ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}:${r.end}`)).join(',');
}
