/**
 * What every core operation receives: the database, the outside world and the policy knobs.
 * Built once by the composition root (src/app); tests build their own with cheap hashing and a
 * manual clock.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { PasswordHasher } from '../platform/crypto/index.js';
import type { DNSResolver } from '../platform/dns/index.js';
import type { Logger } from '../platform/log/index.js';
import type { BlobStore } from '../store/blob/index.js';
import type { ChangeFeed } from '../store/changes/index.js';
import type { SearchIndex } from '../store/search/index.js';
import type { Database } from '../store/sql/index.js';

export interface AuthPolicy {
  lockoutAttempts: number;
  lockoutMs: number;
  clientThrottleFailures: number;
  clientThrottleWindowMs: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
}

export interface CoreContext {
  db: Kysely<Database>;
  clock: Clock;
  hasher: PasswordHasher;
  /** Key of the keyed hashes (NUMEN, birth date); 32 bytes or more. */
  secretKey: Buffer;
  log: Logger;
  auth: AuthPolicy;
  /** Raw message storage (filesystem or, later, S3). */
  blobs: BlobStore;
  /** Full-text index of messages (SQLite FTS5 or PostgreSQL tsvector). */
  search: SearchIndex;
  /** Tells open sessions that an account's mail changed (published after each commit). */
  changes: ChangeFeed;
  /** DNS lookups (SPF/DKIM/DMARC, MX); a table in tests. */
  dns: DNSResolver;
}

/** Who performs an administrative action, for the audit log: an account id, `cli` or `system`. */
export type Actor = string;
