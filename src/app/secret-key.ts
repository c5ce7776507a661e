/**
 * The deployment's secret key for keyed hashes (NUMEN, birth date).
 *
 * Implementation notes
 * - Taken from FACTEUR_SECRET_KEY when set (required in practice for several nodes: they must share
 *   it); otherwise generated once into DATA_DIR/secret.key (mode 0600) and reused.
 * - Losing the key makes NUMEN/birth-date recovery impossible for existing accounts: back it up
 *   with the data directory (docs/operations.md).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../platform/fs/index.js';

export async function loadSecretKey(
  dataDir: string,
  configured: string | undefined,
): Promise<{ key: Buffer; created: boolean }> {
  if (configured) return { key: Buffer.from(configured, 'hex'), created: false };
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) {
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64,}$/i.test(hex))
      throw new Error(`${path} is corrupt: expected 64 hexadecimal characters`);
    return { key: Buffer.from(hex, 'hex'), created: false };
  }
  const hex = randomBytes(32).toString('hex');
  await writeFileDurably(path, `${hex}\n`, 0o600);
  return { key: Buffer.from(hex, 'hex'), created: true };
}
