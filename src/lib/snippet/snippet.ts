/**
 * Search snippets (JMAP SearchSnippet, RFC 8621 §5): the part of a subject or body where the
 * searched words occur, HTML-escaped, each occurrence wrapped in `<mark>`.
 *
 * Implementation notes
 * - Matching folds case and accents exactly as the search index does (foldAccents: "ecole" marks
 *   "École", "oeuvre" marks "Œuvre"), on a folded copy that keeps, for every folded character, the
 *   span of the original it came from, so the marks land on the original text.
 * - Terms are the words of the query (at least two characters), quoted phrases kept whole.
 * - The output holds no markup but `<mark>` and `</mark>`: everything else is escaped, which the
 *   property tests check on arbitrary input.
 */
import { foldAccents } from '../naming/index.js';

/** Characters of body text shown around the first match (RFC 8621 caps the preview at 255 octets). */
export const SNIPPET_CHARS = 180;
const CONTEXT_BEFORE = 50;

/** The words and quoted phrases of search strings, folded, longest first, without duplicates. */
export function searchTerms(queries: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const query of queries) {
    for (const match of query.matchAll(/"([^"]+)"|(\S+)/g)) {
      const phrase = match[1] ?? match[2] ?? '';
      const folded = foldAccents(phrase)
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
      if (folded.length >= 2) terms.add(folded);
    }
  }
  return [...terms].sort((a, b) => b.length - a.length);
}

interface Folded {
  text: string;
  /** For each UTF-16 unit of `text`, the original span [start, end) it folds from. */
  start: number[];
  end: number[];
}

function fold(original: string): Folded {
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let index = 0;
  for (const ch of original) {
    const folded = foldAccents(ch).replace(/[^\p{L}\p{N}]/gu, ' ');
    for (let i = 0; i < folded.length; i++) {
      start.push(index);
      end.push(index + ch.length);
    }
    text += folded;
    index += ch.length;
  }
  return { text, start, end };
}

/** The original spans where any term occurs, sorted and merged. */
export function matchRanges(original: string, terms: readonly string[]): [number, number][] {
  if (terms.length === 0 || original === '') return [];
  const folded = fold(original);
  const ranges: [number, number][] = [];
  for (const term of terms) {
    for (let at = folded.text.indexOf(term); at >= 0; at = folded.text.indexOf(term, at + term.length)) {
      ranges.push([folded.start[at] as number, folded.end[at + term.length - 1] as number]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function markUp(text: string, ranges: readonly [number, number][], offset: number): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    const a = Math.max(0, from - offset);
    const b = Math.min(text.length, to - offset);
    if (b <= a) continue;
    out += `${escapeHtml(text.slice(at, a))}<mark>${escapeHtml(text.slice(a, b))}</mark>`;
    at = b;
  }
  return out + escapeHtml(text.slice(at));
}

/** The whole text marked up, or null when no term occurs in it (a subject). */
export function highlightAll(text: string, terms: readonly string[]): string | null {
  const ranges = matchRanges(text, terms);
  return ranges.length === 0 ? null : markUp(text, ranges, 0);
}

/** About SNIPPET_CHARS of text around the first match, marked up; null when no term occurs. */
export function highlightExcerpt(text: string, terms: readonly string[]): string | null {
  const flat = text.replace(/\s+/g, ' ').trim();
  const ranges = matchRanges(flat, terms);
  const first = ranges[0];
  if (!first) return null;
  let from = Math.max(0, first[0] - CONTEXT_BEFORE);
  // Start on a word, and never inside a surrogate pair.
  if (from > 0) {
    const space = flat.indexOf(' ', from);
    from = space >= 0 && space < first[0] ? space + 1 : from;
  }
  let to = Math.min(flat.length, from + SNIPPET_CHARS);
  if (to < flat.length) {
    const space = flat.lastIndexOf(' ', to);
    if (space > first[1]) to = space;
  }
  // Keep a match whole even where it crosses the cut.
  for (const [a, b] of ranges) if (a < to && b > to) to = b;
  if (/[\uDC00-\uDFFF]/.test(flat[from] ?? '')) from -= 1;
  const excerpt = flat.slice(from, to);
  const within = ranges.filter(([a, b]) => b > from && a < to);
  return `${from > 0 ? '…' : ''}${markUp(excerpt, within, from)}${to < flat.length ? '…' : ''}`;
}
