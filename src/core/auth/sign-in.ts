/**
 * Password sign-in with account lockout and per-client throttling (PRODUCT.md §1).
 *
 * Implementation notes
 * - Unknown account and wrong password give the same answer (`auth.invalid`) after the same work
 *   (a dummy argon2 verification), so the answer does not reveal which identifiers exist.
 * - A locked account is answered `auth.locked` without verifying the password: no guessing while
 *   locked. `auth.disabled` is only said after a correct password.
 * - The failure counter and the lock are updated in one statement (store), exact under concurrency.
 * - Every failure also counts against the client address (client-throttle.ts).
 * - A wrong password for a known account is audited (`auth.signin_failed`, with the client and the
 *   protocol); an unknown login is only logged, since it names nobody.
 * - Mail protocols (`appPasswords` given) also take the account's app passwords (app-passwords.ts),
 *   checked first since that costs one keyed hash; the web sign-in never does. Once the account
 *   has a second factor (two-step.ts), mail protocols take app passwords only.
 */
import { UserError } from '../../lib/errors/index.js';
import {
  type Account,
  type AppPasswordProtocol,
  appendAudit,
  clearFailedSignIns,
  recordFailedSignIn,
  updateAccount,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { findAccountByLogin, isLocked } from '../directory/index.js';
import { isAccountUsable } from './account-usable.js';
import { matchAppPassword } from './app-passwords.js';
import type { ClientThrottle } from './client-throttle.js';
import { MAX_PASSWORD_LENGTH } from './password-limits.js';
import { hasSecondFactor } from './two-step.js';

export { MAX_PASSWORD_LENGTH };

export interface SignInAttempt {
  login: string;
  password: string;
  client: string;
}

/**
 * @returns the account whose password matched.
 * @throws UserError `auth.throttled` (retryAfterSeconds), `auth.invalid`, `auth.locked` (lockedUntil), `auth.disabled`
 */
export async function verifySignIn(
  ctx: CoreContext,
  throttle: ClientThrottle,
  attempt: SignInAttempt,
  options: { appPasswords?: AppPasswordProtocol } = {},
): Promise<Account> {
  const retryAfterSeconds = throttle.retryAfterSeconds(attempt.client);
  if (retryAfterSeconds > 0) {
    ctx.log.warn({ event: 'auth.throttled', client: attempt.client }, 'sign-in throttled for this client');
    throw new UserError('auth.throttled', 'too many failed sign-ins from this address', {
      retryAfterSeconds,
    });
  }
  const now = ctx.clock.now();
  const account =
    attempt.password.length <= MAX_PASSWORD_LENGTH ? await findAccountByLogin(ctx, attempt.login) : undefined;
  if (!account) {
    await ctx.hasher.burn(attempt.password.slice(0, MAX_PASSWORD_LENGTH));
    return fail(ctx, throttle, attempt, 'unknown login');
  }
  if (
    options.appPasswords &&
    (await matchAppPassword(ctx, account, attempt.password, options.appPasswords))
  ) {
    if (!isAccountUsable(account, now)) throw new UserError('auth.disabled', 'this account is disabled');
    ctx.log.info(
      {
        event: 'auth.signin.succeeded',
        account: account.identifier,
        client: attempt.client,
        method: 'app_password',
      },
      'signed in',
    );
    return account;
  }
  if (options.appPasswords && (await hasSecondFactor(ctx, account))) {
    // With two-step sign-in on, a password alone must not open the mailbox: mail clients use app
    // passwords. The password is not even checked, so this answer says nothing about it; it is not
    // a lockout failure either (a phone still set up with the password would lock its owner out).
    await ctx.hasher.burn(attempt.password.slice(0, MAX_PASSWORD_LENGTH));
    await appendAudit(ctx.db, {
      at: now,
      actor: 'system',
      action: 'auth.signin_failed',
      target: account.identifier,
      details: { client: attempt.client, protocol: options.appPasswords, reason: 'app_password_required' },
    });
    return fail(ctx, throttle, attempt, 'account password over a mail protocol with two-step sign-in on');
  }
  if (isLocked(account, now)) {
    throttle.recordFailure(attempt.client);
    throw lockedError(account.locked_until as number);
  }
  if (!(await ctx.hasher.verify(account.password_hash, attempt.password))) {
    const updated = await recordFailedSignIn(ctx.db, account.id, {
      now,
      maxAttempts: ctx.auth.lockoutAttempts,
      lockMs: ctx.auth.lockoutMs,
    });
    if (isLocked(updated, now)) {
      throttle.recordFailure(attempt.client);
      ctx.log.warn(
        { event: 'auth.lockout', account: account.identifier, client: attempt.client },
        'account locked',
      );
      await appendAudit(ctx.db, {
        at: now,
        actor: 'system',
        action: 'account.locked',
        target: account.identifier,
        details: { client: attempt.client, until: updated.locked_until },
      });
      throw lockedError(updated.locked_until as number);
    }
    await appendAudit(ctx.db, {
      at: now,
      actor: 'system',
      action: 'auth.signin_failed',
      target: account.identifier,
      details: { client: attempt.client, protocol: options.appPasswords ?? 'web' },
    });
    return fail(ctx, throttle, attempt, 'wrong password');
  }
  if (!isAccountUsable(account, now)) {
    throw new UserError('auth.disabled', 'this account is disabled');
  }
  if (account.failed_attempts > 0 || account.locked_until !== null)
    await clearFailedSignIns(ctx.db, account.id);
  if (ctx.hasher.needsRehash(account.password_hash)) {
    await updateAccount(ctx.db, account.id, { password_hash: await ctx.hasher.hash(attempt.password) });
  }
  ctx.log.info(
    { event: 'auth.signin.succeeded', account: account.identifier, client: attempt.client },
    'signed in',
  );
  return { ...account, failed_attempts: 0, locked_until: null };
}

function fail(ctx: CoreContext, throttle: ClientThrottle, attempt: SignInAttempt, reason: string): never {
  throttle.recordFailure(attempt.client);
  ctx.log.info({ event: 'auth.signin.failed', reason, client: attempt.client }, 'sign-in failed');
  throw new UserError('auth.invalid', 'identifier or password is incorrect');
}

function lockedError(lockedUntil: number): UserError {
  return new UserError('auth.locked', 'this account is temporarily locked after repeated failed sign-ins', {
    lockedUntil: new Date(lockedUntil).toISOString(),
  });
}
