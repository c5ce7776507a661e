/**
 * A CoreContext over a fresh test database with a manual clock and cheap hashing, for core tests
 * that need to move time (lockout expiry, session timeouts).
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CoreContext } from '../../src/core/context.js';
import { addDomain, ensureOrganisation } from '../../src/core/directory/index.js';
import { type Clock, createManualClock } from '../../src/platform/clock.js';
import { createPasswordHasher } from '../../src/platform/crypto/index.js';
import type { DNSResolver } from '../../src/platform/dns/index.js';
import { createLogger } from '../../src/platform/log/index.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import type { BlobStore } from '../../src/store/blob/index.js';
import { createMemoryChangeFeed } from '../../src/store/changes/index.js';
import { createPostgresSearchIndex } from '../../src/store/search/postgres-tsvector.js';
import { createSqliteSearchIndex } from '../../src/store/search/sqlite-fts5.js';
import type { SqlStore } from '../../src/store/sql/index.js';
import { openTestDatabase, type TestBackend } from './database.js';
import { createFakeResolver } from './dns.js';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

/** A CoreContext over an open store, with cheap hashing and logs kept in memory. */
export async function coreContextOver(
  store: SqlStore,
  options: { clock: Clock; blobs?: BlobStore; dns?: DNSResolver; logs?: string[] },
): Promise<CoreContext> {
  const search =
    store.dialect === 'postgres' ? createPostgresSearchIndex(store.db) : createSqliteSearchIndex(store.db);
  await search.ensureSchema();
  const logs = options.logs;
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs?.push(String(chunk));
      done();
    },
  });
  return {
    db: store.db,
    clock: options.clock,
    hasher: await createPasswordHasher({ memoryKib: 1024, timeCost: 1 }),
    secretKey: randomBytes(32),
    log: createLogger({ level: logs ? 'debug' : 'silent', destination }),
    blobs: options.blobs ?? createFsBlobStore(join(mkdtempSync(join(tmpdir(), 'facteur-blobs-')), 'blobs')),
    search,
    changes: createMemoryChangeFeed(),
    dns: options.dns ?? createFakeResolver({}),
    auth: {
      lockoutAttempts: 5,
      lockoutMs: 30 * 60_000,
      clientThrottleFailures: 1000,
      clientThrottleWindowMs: 15 * 60_000,
      sessionIdleMs: 30 * 60_000,
      sessionMaxMs: 12 * 3_600_000,
    },
  };
}

export async function buildCoreContext(backend: TestBackend) {
  const store = await openTestDatabase(backend);
  const clock = createManualClock(T0);
  const logs: string[] = [];
  const ctx = await coreContextOver(store, { clock, logs });
  await ensureOrganisation(ctx, 'Académie de test');
  await addDomain(ctx, 'ac-test.fr', 'system');
  return { ctx, clock, logs, close: () => store.close() };
}
