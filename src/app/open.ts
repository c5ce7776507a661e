/**
 * Composition root: turns a Config into the running pieces. The only place that chooses
 * implementations (SQLite or PostgreSQL, filesystem blobs, the real clock).
 */

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreContext } from '../core/context.js';
import { reindexAllMessages } from '../core/mail/index.js';
import { type Clock, systemClock } from '../platform/clock.js';
import type { Config } from '../platform/config/index.js';
import { createPasswordHasher } from '../platform/crypto/index.js';
import { type DNSResolver, systemResolver } from '../platform/dns/index.js';
import type { Logger } from '../platform/log/index.js';
import { createFsBlobStore } from '../store/blob/fs-blob-store.js';
import { createMemoryChangeFeed } from '../store/changes/index.js';
import { createPostgresSearchIndex } from '../store/search/postgres-tsvector.js';
import { createSqliteSearchIndex } from '../store/search/sqlite-fts5.js';
import { openDatabase, type SqlStore } from '../store/sql/index.js';
import { loadSecretKey } from './secret-key.js';

export interface Facteur {
  config: Config;
  ctx: CoreContext;
  store: SqlStore;
  dataDir: string;
  close(): Promise<void>;
}

export async function openFacteur(
  config: Config,
  log: Logger,
  clock: Clock = systemClock,
  dns: DNSResolver = systemResolver,
): Promise<Facteur> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o750 });
  const { key, created } = await loadSecretKey(dataDir, config.secretKey);
  if (created && config.databaseUrl) {
    log.warn(
      { event: 'setup.first_start' },
      'FACTEUR_SECRET_KEY is not set: generated one in the data directory; every node of a cluster must share it',
    );
  }
  const store = await openDatabase(
    config.databaseUrl
      ? {
          kind: 'postgres',
          url: config.databaseUrl,
          ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        }
      : { kind: 'sqlite', file: join(dataDir, 'facteur.db') },
  );
  const search =
    store.dialect === 'postgres' ? createPostgresSearchIndex(store.db) : createSqliteSearchIndex(store.db);
  const { created: searchCreated } = await search.ensureSchema();
  const hasher = await createPasswordHasher({
    memoryKib: config.argon2MemoryKib,
    timeCost: config.argon2TimeCost,
  });
  const ctx: CoreContext = {
    db: store.db,
    clock,
    hasher,
    secretKey: key,
    log,
    blobs: createFsBlobStore(join(dataDir, 'blobs')),
    search,
    changes: createMemoryChangeFeed(),
    dns,
    auth: {
      lockoutAttempts: config.lockoutAttempts,
      lockoutMs: config.lockoutMinutes * 60_000,
      clientThrottleFailures: config.clientThrottleFailures,
      clientThrottleWindowMs: config.clientThrottleMinutes * 60_000,
      sessionIdleMs: config.sessionIdleMinutes * 60_000,
      sessionMaxMs: config.sessionMaxHours * 3_600_000,
    },
  };
  if (searchCreated) {
    // A new index over an existing store (first start of a new index version): fill it before serving.
    const started = Date.now();
    const indexed = await reindexAllMessages(ctx);
    if (indexed > 0) {
      log.info(
        { event: 'search.reindexed', messages: indexed, ms: Date.now() - started },
        'search index rebuilt',
      );
    }
  }
  return { config, ctx, store, dataDir, close: () => store.close() };
}

/** The package root (where package.json is), found from this file in src/ or in dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the facteur package root');
    dir = parent;
  }
  return dir;
}
