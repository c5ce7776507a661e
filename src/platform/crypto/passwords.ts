/**
 * Password hashing with argon2id (RFC 9106) and provisional password generation.
 *
 * Implementation notes
 * - Hashes are PHC strings carrying their own parameters, so raising the cost later only affects
 *   new hashes; `needsRehash` tells the sign-in path to upgrade an old hash once it has the password.
 * - `verify` never throws on a malformed stored hash: it answers false, so a corrupt row cannot be
 *   turned into a sign-in oracle or a crash.
 * - DUMMY_HASH lets a sign-in for an unknown account spend the same time as for a known one.
 */
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export interface Argon2Cost {
  memoryKib: number;
  timeCost: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(storedHash: string, password: string): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
  /** Spends one verification's time on nothing (unknown account). */
  burn(password: string): Promise<void>;
}

// `Algorithm` is a const enum, which isolated modules cannot import: 2 is Argon2id.
const ARGON2ID = 2;

export async function createPasswordHasher(cost: Argon2Cost): Promise<PasswordHasher> {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: cost.memoryKib,
    timeCost: cost.timeCost,
    parallelism: 1,
  };
  const expectedPrefix = `$argon2id$v=19$m=${cost.memoryKib},t=${cost.timeCost},p=1$`;
  const dummyHash = await hash('facteur-dummy-password', options);
  const safeVerify = async (storedHash: string, password: string) => {
    try {
      return await verify(storedHash, password);
    } catch {
      // A malformed stored hash verifies nothing (see implementation notes).
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: safeVerify,
    needsRehash: (storedHash) => !storedHash.startsWith(expectedPrefix),
    async burn(password) {
      await safeVerify(dummyHash, password);
    },
  };
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@_';

/**
 * A random provisional password that satisfies the policy: 16 characters from every class, no
 * look-alike characters (l/1, O/0) since it is read off a screen or a letter.
 */
export function generateProvisionalPassword(length = 16): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] as string;
}
