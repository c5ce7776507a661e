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
/** Every bench account's password. */
export const BENCH_PASSWORD = 'Bench-2026!';

export async function createBenchAccounts(options: {
  dataDir: string;
  domain: string;
  count: number;
  env?: Record<string, string>;
  /** Creations in flight at once (argon2 runs off the main thread). */
  concurrency?: number;
  onProgress?: (done: number) => void;
  /** argon2id cost of the password hashes; CHEAP_ARGON2 unless given (a server compared on sign-in cost). */
  argon2?: { memoryKib: number; timeCost: number };
  /**
   * Clears the forced password change every new account starts with, as if each user had chosen the
   * password in the portal: IMAP refuses sign-in until then.
   */
  passwordChosen?: boolean;
}): Promise<{ addresses: string[]; ms: number; passwordHashes: string[] }> {
  const config = loadConfig({
    ...options.env,
    FACTEUR_DATA_DIR: options.dataDir,
    FACTEUR_DOMAIN: options.domain,
    ...(options.argon2
      ? {
          FACTEUR_ARGON2_MEMORY_KIB: String(options.argon2.memoryKib),
          FACTEUR_ARGON2_TIME_COST: String(options.argon2.timeCost),
        }
      : CHEAP_ARGON2),
  });
  const facteur = await openFacteur(config, createLogger({ level: 'warn', destination: process.stderr }));
  const addresses: string[] = new Array(options.count);
  const passwordHashes: string[] = new Array(options.count);
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
            {
              firstName: `Prenom${i}`,
              lastName: `Nom${i}`,
              domain: options.domain,
              password: BENCH_PASSWORD,
            },
            'cli',
          );
          addresses[i] = account.address;
          passwordHashes[i] = account.password_hash;
          if (++done % 1000 === 0) options.onProgress?.(done);
        }
      }),
    );
    if (options.passwordChosen) {
      await facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
    }
  } finally {
    await facteur.close();
  }
  return { addresses, ms: performance.now() - started, passwordHashes };
}
