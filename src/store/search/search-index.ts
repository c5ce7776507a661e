/**
 * The SearchIndex contract (see index.ts for the semantics every back end implements). Kept apart
 * from index.ts so the implementations and search-text.ts can import the types without a cycle.
 */
import type { Kysely } from 'kysely';

/**
 * A transaction (or connection) on the index's own database, over any schema: the index touches only
 * its own tables, which no caller's schema type describes.
 */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's schema parameter is invariant; see above.
export type SearchExecutor = Kysely<any>;

export interface SearchDocument {
  accountId: string;
  /** The per-account message id. */
  messageId: string;
  /**
   * Names the text (the message's blob id): documents with the same key share one indexed copy, so
   * a message delivered to 10 000 accounts is tokenized and stored once. Documents with the same key
   * must carry the same text; once a key is indexed, later documents' text is not even read.
   */
  bodyKey: string;
  subject: string;
  /** Decoded display names and addresses, space-joined. */
  from: string;
  /** To, Cc and Bcc, in the same form as `from`. */
  to: string;
  /** Decoded body text; only the first MAX_INDEXED_BODY_CHARS characters are indexed. */
  body: string;
  /** Attachment file names, space-joined. */
  attachmentNames: string;
  /** Epoch milliseconds, for ordering. */
  receivedAt: number;
}

export interface SearchQuery {
  accountId: string;
  /** Words anywhere: subject, from, to, body or attachment names. */
  text?: string;
  subject?: string;
  from?: string;
  to?: string;
  body?: string;
  attachmentName?: string;
  /** Restricts the result to these ids (the caller intersects with its mailbox filtering). */
  messageIds?: string[];
  /** Maximum number of ids returned; an integer ≥ 0. */
  limit: number;
}

export interface SearchIndex {
  /**
   * Creates the tables (and, on PostgreSQL, the text search configuration) if missing. Idempotent and
   * safe to run from several processes at once; called at start.
   * @throws ServerError `search.unaccent_missing` (PostgreSQL) when the `unaccent` extension is absent
   *   and this role cannot create it; the message names the SQL an administrator must run.
   * Tables of an older version are dropped and created anew.
   * @returns `created: true` when the tables were created empty now (a new index, or one rebuilt for
   *   a new version): the messages already in the store must then be indexed again.
   * @throws ServerError `search.schema_version` when the tables were written by another (newer) version.
   */
  ensureSchema(): Promise<{ created: boolean }>;
  /**
   * Inserts the document, or replaces the one with the same (accountId, messageId).
   * `within`: a transaction open on this index's database, to index atomically with the caller's
   * own writes (a delivery); without it the index opens its own transaction.
   * @throws RangeError when an id or the body key is empty or `receivedAt` is not a safe integer.
   */
  index(doc: SearchDocument, within?: SearchExecutor): Promise<void>;
  /** Like `index` for each document, in one transaction; the last of duplicate ids wins. */
  indexMany(docs: SearchDocument[], within?: SearchExecutor): Promise<void>;
  /**
   * Removes these documents of the account, and the text of any body no document names any more;
   * unknown ids are ignored.
   */
  remove(accountId: string, messageIds: string[]): Promise<void>;
  /**
   * Message ids of `query.accountId` matching every criterion, newest first. Never another account's.
   * @throws InputError SEARCH_QUERY_TOO_LONG when the criteria hold more than MAX_QUERY_WORDS words.
   * @throws RangeError when `limit` is not an integer ≥ 0 or `accountId` is empty.
   */
  search(query: SearchQuery): Promise<string[]>;
}
