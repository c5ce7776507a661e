/**
 * "Réinitialiser son mot de passe", second half: the link's token and a new password.
 *
 * Implementation notes
 * - A token is refused (`recovery.token_invalid`, one code for every reason, so a stolen old link
 *   teaches nothing) once used, after RESET_LINK_TTL_MS, or when a later request replaced it, or
 *   when its account is no longer usable.
 * - The new password meets the same policy as a change (core/auth passwordViolations, including
 *   the birth date compared as keyed hashes). A refused password does not spend the token.
 * - Spending is atomic (store/sql/password-resets.ts): two submissions of one link set at most one
 *   password.
 * - As a password change does, and more: the lockout is lifted, `must_change_password` cleared,
 *   every session of the account closed (none is kept: the person resetting is not signed in) and
 *   every app password revoked. Audited `password.reset`.
 */
import type { PasswordViolation } from '../../../common/api.js';
import { InputError, UserError } from '../../lib/errors/index.js';
import { sha256Hex } from '../../platform/crypto/index.js';
import {
  type Account,
  appendAudit,
  findAccountById,
  findPasswordReset,
  spendPasswordReset,
  updateAccount,
} from '../../store/sql/index.js';
import {
  closeOtherSessions,
  isAccountUsable,
  passwordViolations,
  revokeAllAppPasswords,
} from '../auth/index.js';
import type { CoreContext } from '../context.js';

function invalid(): UserError {
  return new UserError('recovery.token_invalid', 'this link has expired, was already used or was replaced');
}

/** The account a still-usable token resets. @throws UserError `recovery.token_invalid` */
export async function accountOfResetToken(ctx: CoreContext, token: string): Promise<Account> {
  const now = ctx.clock.now();
  const reset = await findPasswordReset(ctx.db, sha256Hex(token));
  if (!reset || reset.used_at !== null || reset.expires_at <= now) throw invalid();
  const account = await findAccountById(ctx.db, reset.account_id);
  if (!account || !isAccountUsable(account, now)) throw invalid();
  return account;
}

/**
 * Sets the new password and spends the token.
 * @throws UserError `recovery.token_invalid`; InputError `password.policy` with `violations`.
 */
export async function completePasswordReset(
  ctx: CoreContext,
  input: { token: string; newPassword: string; client: string },
): Promise<void> {
  const account = await accountOfResetToken(ctx, input.token);
  const violations: PasswordViolation[] = passwordViolations(ctx, account, input.newPassword);
  if (violations.length > 0) {
    throw new InputError('password.policy', 'the new password does not meet the policy', { violations });
  }
  const passwordHash = await ctx.hasher.hash(input.newPassword);
  const now = ctx.clock.now();
  if (!(await spendPasswordReset(ctx.db, sha256Hex(input.token), now))) throw invalid();
  await updateAccount(ctx.db, account.id, {
    password_hash: passwordHash,
    must_change_password: 0,
    password_changed_at: now,
    failed_attempts: 0,
    locked_until: null,
    updated_at: now,
  });
  const closed = await closeOtherSessions(ctx, account.id, null);
  await revokeAllAppPasswords(ctx, account, account.id, 'password_reset');
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'password.reset',
    target: account.identifier,
    details: { ip: input.client, sessionsClosed: closed },
  });
  ctx.log.info({ event: 'recovery.password_reset', account: account.identifier }, 'password reset');
}
