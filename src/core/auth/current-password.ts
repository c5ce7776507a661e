/** Re-asking the account password before a sensitive change. */
import { UserError } from '../../lib/errors/index.js';
import type { Account } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { MAX_PASSWORD_LENGTH } from './password-limits.js';

/**
 * The account password asked again before a sensitive change (a new password, an app password, a
 * second factor): a session alone, perhaps left open on a shared computer, is not enough.
 * @throws UserError `password.current_wrong`
 */
export async function assertCurrentPassword(
  ctx: CoreContext,
  account: Account,
  password: string,
): Promise<void> {
  if (password.length > MAX_PASSWORD_LENGTH || !(await ctx.hasher.verify(account.password_hash, password))) {
    throw new UserError('password.current_wrong', 'the current password is incorrect');
  }
}
