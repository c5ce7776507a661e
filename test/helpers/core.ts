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
import { createManualClock } from '../../src/platform/clock.js';
import { createPasswordHasher } from '../../src/platform/crypto/index.js';
import { createLogger } from '../../src/platform/log/index.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import { createPostgresSearchIndex } from '../../src/store/search/postgres-tsvector.js';
import { createSqliteSearchIndex } from '../../src/store/search/sqlite-fts5.js';
import { openTestDatabase, type TestBackend } from './database.js';
import { createFakeResolver } from './dns.js';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

export async function buildCoreContext(backend: TestBackend) {
  const store = await openTestDatabase(backend);
  const clock = createManualClock(T0);
  const search =
    store.dialect === 'postgres' ? createPostgresSearchIndex(store.db) : createSqliteSearchIndex(store.db);
  await search.ensureSchema();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const ctx: CoreContext = {
    db: store.db,
    clock,
    hasher: await createPasswordHasher({ memoryKib: 1024, timeCost: 1 }),
    secretKey: randomBytes(32),
    log: createLogger({ level: 'debug', destination }),
    blobs: createFsBlobStore(join(mkdtempSync(join(tmpdir(), 'facteur-blobs-')), 'blobs')),
    search,
    dns: createFakeResolver({}),
    auth: {
      lockoutAttempts: 5,
      lockoutMs: 30 * 60_000,
      clientThrottleFailures: 1000,
      clientThrottleWindowMs: 15 * 60_000,
      sessionIdleMs: 30 * 60_000,
      sessionMaxMs: 12 * 3_600_000,
    },
  };
  await ensureOrganisation(ctx, 'Académie de test');
  await addDomain(ctx, 'ac-test.fr', 'system');
  return { ctx, clock, logs, close: () => store.close() };
}
