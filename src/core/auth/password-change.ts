/**
 * Password change by the account holder (forced at first sign-in, or chosen later).
 *
 * Implementation notes
 * - The policy (common/password-policy.ts) is the same code the web client runs as the user types;
 *   here it is enforced. The birth date is only stored as a keyed hash, so every date the new
 *   password could contain is hashed and compared instead.
 * - Other sessions of the account are ended and its app passwords revoked: whoever knew the old
 *   password is signed out, and loses any app password made with it.
 */

import type { PasswordViolation } from '../../../common/api.js';
import { candidateBirthDates, evaluatePassword } from '../../../common/password-policy.js';
import { InputError } from '../../lib/errors/index.js';
import { keyedHash } from '../../platform/crypto/index.js';
import { type Account, appendAudit, updateAccount } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { revokeAllAppPasswords } from './app-passwords.js';
import { assertCurrentPassword } from './current-password.js';
import { closeOtherSessions } from './sessions.js';
import { MAX_PASSWORD_LENGTH } from './sign-in.js';

/**
 * @throws UserError `password.current_wrong`; InputError `password.policy` with `violations`
 */
export async function changePassword(
  ctx: CoreContext,
  account: Account,
  input: { currentPassword: string; newPassword: string; keepSessionId: string | null },
): Promise<Account> {
  await assertCurrentPassword(ctx, account, input.currentPassword);
  const violations = passwordViolations(ctx, account, input.newPassword);
  if (input.newPassword === input.currentPassword) violations.push('same_as_current');
  if (violations.length > 0) {
    throw new InputError('password.policy', 'the new password does not meet the policy', { violations });
  }
  const now = ctx.clock.now();
  const passwordHash = await ctx.hasher.hash(input.newPassword);
  await updateAccount(ctx.db, account.id, {
    password_hash: passwordHash,
    must_change_password: 0,
    password_changed_at: now,
    updated_at: now,
  });
  await closeOtherSessions(ctx, account.id, input.keepSessionId);
  await revokeAllAppPasswords(ctx, account, account.id, 'password_changed');
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'account.password_changed',
    target: account.identifier,
    details: null,
  });
  ctx.log.info({ event: 'auth.password_changed', account: account.identifier }, 'password changed');
  return {
    ...account,
    password_hash: passwordHash,
    must_change_password: 0,
    password_changed_at: now,
    updated_at: now,
  };
}

export function passwordViolations(
  ctx: CoreContext,
  account: Account,
  password: string,
): PasswordViolation[] {
  if (password.length > MAX_PASSWORD_LENGTH) return ['too_weak'];
  const evaluation = evaluatePassword(password, {
    firstName: account.first_name,
    lastName: account.last_name,
    identifier: account.identifier,
    address: account.address,
  });
  const violations = [...evaluation.violations];
  if (account.birth_date_hash !== null && !violations.includes('contains_birth_date')) {
    const hash = account.birth_date_hash;
    if (candidateBirthDates(password).some((date) => keyedHash(ctx.secretKey, 'birth-date', date) === hash)) {
      violations.push('contains_birth_date');
    }
  }
  return violations;
}
