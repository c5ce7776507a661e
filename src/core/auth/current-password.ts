/**
 * The account password asked again before a sensitive change (a new password, an app password, a
 * second factor): a session left open on a shared computer must not be enough to make one.
 *
 * Implementation notes
 * - A wrong answer here does not count towards the sign-in lockout: the session already proves who
 *   is there, and a lock would let whoever holds the session lock the owner out.
 */
import { UserError } from '../../lib/errors/index.js';
import type { Account } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { MAX_PASSWORD_LENGTH } from './password-limits.js';

/** @throws UserError `password.current_wrong` */
export async function assertCurrentPassword(
  ctx: CoreContext,
  account: Account,
  currentPassword: string,
): Promise<void> {
  if (
    currentPassword.length > MAX_PASSWORD_LENGTH ||
    !(await ctx.hasher.verify(account.password_hash, currentPassword))
  ) {
    throw new UserError('password.current_wrong', 'the current password is incorrect');
  }
}
