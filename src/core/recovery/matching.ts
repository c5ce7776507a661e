/**
 * The accounts a NUMEN and a birth date designate.
 *
 * Implementation notes
 * - Both are compared as the keyed hashes the directory stores (core/directory/accounts.ts hashes
 *   them with platform/crypto `keyedHash`); the birth-date hash is computed and compared (in
 *   constant time) for every account of that NUMEN, matching or not.
 * - Only usable accounts match (active, not past their end date), so a disabled account answers
 *   like an unknown NUMEN. A locked account does match: recovering is how its owner gets back in.
 */
import { constantTimeEqual, keyedHash } from '../../platform/crypto/index.js';
import { type Account, findAccountsByNumenHash } from '../../store/sql/index.js';
import { isAccountUsable } from '../auth/index.js';
import type { CoreContext } from '../context.js';

export function numenHashOf(ctx: CoreContext, numen: string): string {
  return keyedHash(ctx.secretKey, 'numen', numen);
}

export async function findMatchingAccounts(
  ctx: CoreContext,
  numen: string,
  birthDate: string,
): Promise<Account[]> {
  const birthHash = keyedHash(ctx.secretKey, 'birth-date', birthDate);
  const candidates = await findAccountsByNumenHash(ctx.db, numenHashOf(ctx, numen));
  const now = ctx.clock.now();
  return candidates.filter((account) => {
    const sameBirthDate = constantTimeEqual(account.birth_date_hash ?? '', birthHash);
    return sameBirthDate && isAccountUsable(account, now);
  });
}
