/**
 * Full-text search over messages: the interface core uses. Implementations (SQLite FTS5 in
 * `sqlite-fts5.ts`, PostgreSQL tsvector in `postgres-tsvector.ts`) are chosen by `app/` from the SQL
 * dialect; core imports only this file (STYLE §3 `core-via-interfaces`).
 *
 * Semantics, identical on every back end (the conformance suite runs the same tests on both)
 * - Word search, not substring search: text is cut into words (maximal runs of letters and digits;
 *   `rapport_2025.pdf` is `rapport 2025 pdf`, `sylvie.dupont@ac-test.fr` is
 *   `sylvie dupont ac test fr`). Case, accents and the ligatures œ/æ are folded on both sides, so
 *   `ecole` finds `École` and `oeuvre` finds `Œuvre`. No stemming: `eleve` does not find `eleves`.
 * - Within a criterion every term must match (AND). A term is a `"quoted phrase"` or one
 *   space-separated chunk; a chunk of several words (`jean-paul`, `rapport_2025.pdf`, an address)
 *   matches as a phrase. A phrase never spans two fields. All given criteria must match (AND).
 * - A criterion that is given but holds no word (`""`, `!!!`) matches nothing: the index cannot
 *   answer a question about punctuation, and answering "everything" would be wrong. Callers that
 *   mean "no filter" (IMAP `TEXT ""`) omit the criterion.
 * - Results are message ids of `accountId` only, newest first (`receivedAt` descending, then message
 *   id descending, byte-wise), at most `limit`.
 */

export type { SearchDocument, SearchExecutor, SearchIndex, SearchQuery } from './search-index.js';
export {
  MAX_INDEXED_BODY_CHARS,
  MAX_INDEXED_FIELD_CHARS,
  MAX_QUERY_WORDS,
  MAX_WORD_CHARS,
  SEARCH_QUERY_TOO_LONG,
} from './search-text.js';
