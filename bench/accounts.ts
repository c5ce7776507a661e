/**
 * Accounts for the bench scripts, created in-process through the project's own code (openFacteur +
 * ensureFirstStart + createAccount), with a cheap argon2 cost: `facteur user add` per account would be
 * a Node process each. Run before the server starts on the same data directory (the handle is closed
 * on return). Account i is "Prenom{i} Nom{i}", address prenom{i}.nom{i}@DOMAIN.
 */
import { ensureFirstStart, openFacteur } from '../src/app/index.js';
import { createAccount } from '../src/core/directory/index.js';
import { loadConfig } from '../src/platform/config/index.js';
import { createLogger } from '../src/platform/log/index.js';

export const CHEAP_ARGON2 = { FACTEUR_ARGON2_MEMORY_KIB: '1024', FACTEUR_ARGON2_TIME_COST: '1' };

export async function createBenchAccounts(options: {
  dataDir: string;
  domain: string;
  count: number;
  env?: Record<string, string>;
  /** Creations in flight at once (argon2 runs off the main thread). */
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<{ addresses: string[]; ms: number }> {
  const config = loadConfig({
    ...options.env,
    FACTEUR_DATA_DIR: options.dataDir,
    FACTEUR_DOMAIN: options.domain,
    ...CHEAP_ARGON2,
  });
  const facteur = await openFacteur(config, createLogger({ level: 'warn', destination: process.stderr }));
  const addresses: string[] = new Array(options.count);
  const started = performance.now();
  try {
    await ensureFirstStart(facteur.ctx, config);
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 4 }, async () => {
        for (let i = next++; i < options.count; i = next++) {
          const { account } = await createAccount(
            facteur.ctx,
            { firstName: `Prenom${i}`, lastName: `Nom${i}`, domain: options.domain, password: 'Bench-2026!' },
            'cli',
          );
          addresses[i] = account.address;
          if (++done % 1000 === 0) options.onProgress?.(done);
        }
      }),
    );
  } finally {
    await facteur.close();
  }
  return { addresses, ms: performance.now() - started };
}
