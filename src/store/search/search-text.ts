/**
 * Text preparation shared by every search back end: folding, word splitting, caps, and the parsing
 * of query criteria into terms. Both back ends receive the output of this module only (space-joined
 * folded words), which is what makes their results identical.
 *
 * Implementation notes
 * - Folding happens here, in JavaScript, not only in the databases: SQLite's `unicode61` tokenizer
 *   folds neither ligatures nor ß/ø/ı and removes diacritics from Latin letters only, while
 *   PostgreSQL's `unaccent` also folds Greek and Cyrillic; the two would disagree. The steps are
 *   NFKC (ﬁ → fi, full-width → ASCII, ǅ → dž), lower case, the letters Unicode does not decompose
 *   (œ → oe, æ → ae, ß → ss, ø → o, ł → l, đ/ð → d, þ → th, ı → i), then NFD and removal of every
 *   combining mark, then NFC (which only recomposes Hangul at that point).
 * - Words are maximal runs of letters and digits (`\p{L}\p{N}`); everything else separates words.
 *   PostgreSQL's default parser would otherwise keep `rapport_2025.pdf` or an address as one token
 *   and FTS5 would split it, so we split first and both engines see plain words.
 * - Caps (each is applied before any database sees the text):
 *   MAX_INDEXED_BODY_CHARS bounds the indexing work and index growth one message can cause;
 *   MAX_INDEXED_FIELD_CHARS does the same for header fields (a 5 000-recipient list);
 *   MAX_WORD_CHARS drops runs that are encoded data, not words; MAX_FIELD_LEXEME_BYTES keeps every
 *   field under PostgreSQL's 1 MiB tsvector limit (1 MiB of distinct hex tokens would exceed it and
 *   fail the insert); it applies on SQLite too so that both back ends index the same words.
 *   MAX_QUERY_WORDS bounds the size of the generated match expression a client can make us run.
 */
import { InputError } from '../../lib/errors/index.js';
import { NON_DECOMPOSING_LETTERS } from '../../lib/naming/index.js';
import type { SearchDocument, SearchQuery } from './search-index.js';

/** Body characters indexed; text past the first MiB of a body is logs and dumps nobody searches. */
export const MAX_INDEXED_BODY_CHARS = 1_048_576;
/** Characters indexed from each of subject, from, to and attachment names. */
export const MAX_INDEXED_FIELD_CHARS = 65_536;
/**
 * Longer runs of letters and digits are not indexed (and a query word this long matches nothing):
 * they are base64 or other encoded data. Above SHA-256 hex (64), below PostgreSQL's 2 047-byte lexeme cap.
 */
export const MAX_WORD_CHARS = 128;
/**
 * Estimated tsvector bytes per field; words past it are not indexed. PostgreSQL refuses a tsvector
 * over 1 MiB (1 048 575 bytes); the margin covers the estimate being made before the database folds.
 */
export const MAX_FIELD_LEXEME_BYTES = 786_432;
/** Words allowed across all criteria of one query. */
export const MAX_QUERY_WORDS = 64;
/** InputError code of a query over MAX_QUERY_WORDS. */
export const SEARCH_QUERY_TOO_LONG = 'search.query_too_long';

/** PostgreSQL tsvector layout: positions stop at 16 383 and at 256 per lexeme. */
const TSVECTOR_MAX_POSITION = 16_383;
const TSVECTOR_MAX_POSITIONS_PER_LEXEME = 256;
/** WordEntry (4) + alignment padding (≤ 1) + position count (2). */
const TSVECTOR_LEXEME_OVERHEAD_BYTES = 7;
const TSVECTOR_POSITION_BYTES = 2;

const NON_DECOMPOSING = NON_DECOMPOSING_LETTERS;
const NON_DECOMPOSING_PATTERN = new RegExp(`[${Object.keys(NON_DECOMPOSING_LETTERS).join('')}]`, 'g');
const COMBINING_MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const WHITESPACE = /\s+/u;

/** The searchable columns; `text` criteria search all of them. */
export type SearchColumn = 'subject' | 'from' | 'to' | 'body' | 'attachments';

/** A phrase (one word or more) that must occur in `column`, or in any column when `column` is `any`. */
export interface SearchTerm {
  column: SearchColumn | 'any';
  words: string[];
}

export type CompiledQuery =
  | { kind: 'empty' }
  | {
      kind: 'search';
      accountId: string;
      terms: SearchTerm[];
      messageIds: string[] | undefined;
      limit: number;
    };

/** Folds case, accents and ligatures; see the notes at the top of this file. */
export function foldForSearch(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(NON_DECOMPOSING_PATTERN, (ch) => NON_DECOMPOSING[ch] ?? ch)
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .normalize('NFC');
}

/** The folded words of `input`, in order, including over-long ones. */
export function searchWords(input: string): string[] {
  return foldForSearch(input).match(WORD) ?? [];
}

/** The words of a field as indexed: capped to `maxChars`, long words dropped, tsvector budget kept. */
export function indexedWords(input: string, maxChars: number): string[] {
  const words = searchWords(input.length > maxChars ? input.slice(0, maxChars) : input).filter(
    (word) => word.length <= MAX_WORD_CHARS,
  );
  return words.slice(0, wordsWithinLexemeBudget(words));
}

/**
 * How many leading words fit in MAX_FIELD_LEXEME_BYTES, replaying how PostgreSQL builds a tsvector:
 * one entry per distinct lexeme, one 2-byte position per occurrence, positions clamped to 16 383 and
 * de-duplicated, at most 256 per lexeme.
 */
function wordsWithinLexemeBudget(words: string[]): number {
  // Fast path for ordinary fields: a UTF-16 code unit is at most 3 UTF-8 bytes, so this bounds the size.
  let upperBound = 0;
  for (const word of words)
    upperBound += 3 * word.length + TSVECTOR_LEXEME_OVERHEAD_BYTES + TSVECTOR_POSITION_BYTES;
  if (upperBound <= MAX_FIELD_LEXEME_BYTES) return words.length;
  const positionsByLexeme = new Map<string, { count: number; hasMaxPosition: boolean }>();
  let bytes = 0;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    const isAtMaxPosition = index + 1 >= TSVECTOR_MAX_POSITION;
    const entry = positionsByLexeme.get(word);
    if (entry === undefined) {
      bytes += Buffer.byteLength(word) + TSVECTOR_LEXEME_OVERHEAD_BYTES + TSVECTOR_POSITION_BYTES;
      positionsByLexeme.set(word, { count: 1, hasMaxPosition: isAtMaxPosition });
    } else if (entry.count < TSVECTOR_MAX_POSITIONS_PER_LEXEME && !entry.hasMaxPosition) {
      bytes += TSVECTOR_POSITION_BYTES;
      entry.count += 1;
      entry.hasMaxPosition = isAtMaxPosition;
    }
    if (bytes > MAX_FIELD_LEXEME_BYTES) return index;
  }
  return words.length;
}

/** Where a document sits: one per (account, message), pointing at a shared text. */
export interface PreparedEntry {
  accountId: string;
  messageId: string;
  receivedAt: number;
  bodyKey: string;
}

/** Folded, capped text of one body: every field is folded words joined by single spaces. */
export interface PreparedText {
  subject: string;
  from: string;
  to: string;
  body: string;
  attachments: string;
}

/**
 * A batch: entries deduplicated (the last of each (accountId, messageId) wins) and, per body key,
 * the text of its first document, folded only when asked: a back end asks only for keys it has not
 * indexed yet, so a broadcast is folded once, not once per recipient.
 */
export interface PreparedBatch {
  entries: PreparedEntry[];
  texts: Map<string, () => PreparedText>;
}

/**
 * Validates documents and groups them for writing.
 * @throws RangeError when an id or body key is empty or `receivedAt` is not a safe integer.
 */
export function prepareBatch(docs: SearchDocument[]): PreparedBatch {
  const entries = new Map<string, PreparedEntry>();
  const texts = new Map<string, () => PreparedText>();
  for (const doc of docs) {
    requireId(doc.accountId, 'accountId');
    requireId(doc.messageId, 'messageId');
    requireId(doc.bodyKey, 'bodyKey');
    if (!Number.isSafeInteger(doc.receivedAt)) {
      throw new RangeError(`receivedAt must be an integer number of milliseconds, got ${doc.receivedAt}`);
    }
    const key = JSON.stringify([doc.accountId, doc.messageId]);
    entries.delete(key);
    entries.set(key, {
      accountId: doc.accountId,
      messageId: doc.messageId,
      receivedAt: doc.receivedAt,
      bodyKey: doc.bodyKey,
    });
    if (!texts.has(doc.bodyKey)) texts.set(doc.bodyKey, () => prepareText(doc));
  }
  return { entries: [...entries.values()], texts };
}

/** Folds and caps the text fields of a document. */
export function prepareText(doc: SearchDocument): PreparedText {
  const field = (value: string, maxChars: number) => indexedWords(value, maxChars).join(' ');
  return {
    subject: field(doc.subject, MAX_INDEXED_FIELD_CHARS),
    from: field(doc.from, MAX_INDEXED_FIELD_CHARS),
    to: field(doc.to, MAX_INDEXED_FIELD_CHARS),
    body: field(doc.body, MAX_INDEXED_BODY_CHARS),
    attachments: field(doc.attachmentNames, MAX_INDEXED_FIELD_CHARS),
  };
}

/** Each text criterion and the column it searches. */
const CRITERIA: ReadonlyArray<
  [Exclude<keyof SearchQuery, 'accountId' | 'messageIds' | 'limit'>, SearchTerm['column']]
> = [
  ['text', 'any'],
  ['subject', 'subject'],
  ['from', 'from'],
  ['to', 'to'],
  ['body', 'body'],
  ['attachmentName', 'attachments'],
];

/**
 * Turns a query into terms, or `empty` when it can match nothing (limit 0, no message ids, a criterion
 * without words, a word longer than any indexed word).
 * @throws InputError SEARCH_QUERY_TOO_LONG over MAX_QUERY_WORDS words.
 * @throws RangeError when `limit` is not an integer ≥ 0 or `accountId` is empty.
 */
export function compileQuery(query: SearchQuery): CompiledQuery {
  requireId(query.accountId, 'accountId');
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
    throw new RangeError(`limit must be an integer ≥ 0, got ${query.limit}`);
  }
  const terms: SearchTerm[] = [];
  let isSatisfiable = true;
  for (const [name, column] of CRITERIA) {
    const raw = query[name];
    if (raw === undefined) continue;
    const phrases = parseCriterion(raw);
    if (phrases.length === 0) isSatisfiable = false;
    for (const words of phrases) {
      if (words.some((word) => word.length > MAX_WORD_CHARS)) isSatisfiable = false;
      terms.push({ column, words });
    }
  }
  const wordCount = terms.reduce((sum, term) => sum + term.words.length, 0);
  if (wordCount > MAX_QUERY_WORDS) {
    throw new InputError(SEARCH_QUERY_TOO_LONG, `a search may hold at most ${MAX_QUERY_WORDS} words`, {
      words: wordCount,
      max: MAX_QUERY_WORDS,
    });
  }
  if (!isSatisfiable || query.limit === 0 || query.messageIds?.length === 0) return { kind: 'empty' };
  return {
    kind: 'search',
    accountId: query.accountId,
    terms,
    messageIds: query.messageIds,
    limit: query.limit,
  };
}

/**
 * The phrases of one criterion: each `"quoted part"` is a phrase (an unclosed quote runs to the end),
 * and outside quotes each whitespace-separated chunk is one (a chunk like `jean-paul` has two words).
 */
export function parseCriterion(raw: string): string[][] {
  const phrases: string[][] = [];
  raw.split('"').forEach((segment, index) => {
    const isQuoted = index % 2 === 1;
    const chunks = isQuoted ? [segment] : segment.split(WHITESPACE);
    for (const chunk of chunks) {
      const words = searchWords(chunk);
      if (words.length > 0) phrases.push(words);
    }
  });
  return phrases;
}

function requireId(value: string, name: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`${name} must be a non-empty string`);
  }
}
