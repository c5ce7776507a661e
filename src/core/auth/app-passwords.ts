/**
 * App passwords: a secret per mail program (IMAP, SMTP, JMAP; CalDAV/CardDAV later), created by the
 * account holder in the settings, shown once, revocable (issue "account security").
 *
 * Implementation notes
 * - The secret is 16 random letters (75 bits, platform/crypto/tokens.ts), so it is stored as a keyed
 *   hash (fast) rather than argon2 (slow): guessing is beaten by its length, and JMAP can check a
 *   bearer token on every request.
 * - An app password signs in to IMAP, SMTP and JMAP, never to the web: the web is where app
 *   passwords are made, and must stay behind the account password (and, soon, the second factor).
 * - Creating one asks for the account password again: a session left open on a shared computer must
 *   not be enough to plant a lasting credential.
 * - A valid app password is admitted while the account password is locked out: the lock stops
 *   password guessing, and must not cut every phone of the account off its mail on an attacker's
 *   behalf. A disabled or expired account is refused.
 * - Use is recorded at most every 5 minutes (the page shows it); the audit log gets an entry for the
 *   first use of a day, not for each poll of a mail program.
 * - Changing the account password revokes them all: whoever stole the old password may have made one.
 */
import { randomUUID } from 'node:crypto';
import { InputError, UserError } from '../../lib/errors/index.js';
import { generateAppPassword, keyedHash, normaliseAppPassword } from '../../platform/crypto/index.js';
import {
  type Account,
  type AppPassword,
  type AppPasswordProtocol,
  appendAudit,
  countAppPasswords,
  deleteAccountAppPasswords,
  deleteAppPassword,
  findAccountById,
  findAppPasswordByHash,
  insertAppPassword,
  listAppPasswords as listAppPasswordRows,
  touchAppPassword,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { isAccountUsable } from './account-usable.js';
import type { ClientThrottle } from './client-throttle.js';
import { assertCurrentPassword } from './current-password.js';

/** Enough for every device of a person; a bound on what one account can make the server store. */
export const MAX_APP_PASSWORDS = 20;
export const MAX_APP_PASSWORD_NAME_LENGTH = 64;
const TOUCH_INTERVAL_MS = 5 * 60_000;
const AUDIT_USE_INTERVAL_MS = 24 * 60 * 60_000;

export interface CreatedAppPassword {
  appPassword: AppPassword;
  /** The secret, in groups of four letters: returned once, never stored. */
  password: string;
}

/**
 * @throws UserError `password.current_wrong`, `app_password.limit`; InputError `app_password.name_invalid`
 */
export async function createAppPassword(
  ctx: CoreContext,
  account: Account,
  input: { name: string; currentPassword: string },
): Promise<CreatedAppPassword> {
  const name = input.name.trim();
  // Control characters would let a name forge lines in a list or a log.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (name.length === 0 || name.length > MAX_APP_PASSWORD_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new InputError(
      'app_password.name_invalid',
      `the name must have 1 to ${MAX_APP_PASSWORD_NAME_LENGTH} characters`,
      {
        maxLength: MAX_APP_PASSWORD_NAME_LENGTH,
      },
    );
  }
  await assertCurrentPassword(ctx, account, input.currentPassword);
  if ((await countAppPasswords(ctx.db, account.id)) >= MAX_APP_PASSWORDS) {
    throw new UserError(
      'app_password.limit',
      `at most ${MAX_APP_PASSWORDS} app passwords: revoke one first`,
      {
        max: MAX_APP_PASSWORDS,
      },
    );
  }
  const now = ctx.clock.now();
  const password = generateAppPassword();
  const appPassword = await insertAppPassword(ctx.db, {
    id: randomUUID(),
    account_id: account.id,
    name,
    secret_hash: keyedHash(ctx.secretKey, 'app-password', password),
    created_at: now,
    last_used_at: null,
    last_used_protocol: null,
  });
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'app_password.created',
    target: account.identifier,
    details: { id: appPassword.id, name },
  });
  ctx.log.info({ event: 'auth.app_password.created', account: account.identifier }, 'app password created');
  return { appPassword, password };
}

export async function listAppPasswords(ctx: CoreContext, account: Account): Promise<AppPassword[]> {
  return listAppPasswordRows(ctx.db, account.id);
}

/** @throws UserError `app_password.not_found` when the account has no such app password. */
export async function revokeAppPassword(ctx: CoreContext, account: Account, id: string): Promise<void> {
  const revoked = await deleteAppPassword(ctx.db, account.id, id);
  if (!revoked) throw new UserError('app_password.not_found', 'no such app password');
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor: account.id,
    action: 'app_password.revoked',
    target: account.identifier,
    details: { id, name: revoked.name },
  });
  ctx.log.info({ event: 'auth.app_password.revoked', account: account.identifier }, 'app password revoked');
}

/** Revokes every app password of the account (password change). @returns how many. */
export async function revokeAllAppPasswords(
  ctx: CoreContext,
  account: Account,
  actor: string,
  reason: string,
): Promise<number> {
  const count = await deleteAccountAppPasswords(ctx.db, account.id);
  if (count > 0) {
    await appendAudit(ctx.db, {
      at: ctx.clock.now(),
      actor,
      action: 'app_password.revoked_all',
      target: account.identifier,
      details: { count, reason },
    });
  }
  return count;
}

/**
 * Whether `password` is one of the account's app passwords; records the use when it is.
 * Cheap (one keyed hash, one indexed read) and false for anything not shaped like one.
 */
export async function matchAppPassword(
  ctx: CoreContext,
  account: Account,
  password: string,
  protocol: AppPasswordProtocol,
): Promise<boolean> {
  const found = await findByPassword(ctx, password);
  if (found?.account_id !== account.id) return false;
  await recordUse(ctx, account, found, protocol);
  return true;
}

/**
 * The account behind a JMAP bearer token (an app password, without the user name).
 * @throws UserError `auth.throttled` (retryAfterSeconds), `auth.invalid`, `auth.disabled`,
 *   `auth.password_change_required`
 */
export async function authenticateBearer(
  ctx: CoreContext,
  throttle: ClientThrottle,
  token: string,
  client: string,
): Promise<Account> {
  const retryAfterSeconds = throttle.retryAfterSeconds(client);
  if (retryAfterSeconds > 0) {
    throw new UserError('auth.throttled', 'too many failed sign-ins from this address', {
      retryAfterSeconds,
    });
  }
  const found = await findByPassword(ctx, token);
  const account = found ? await findAccountById(ctx.db, found.account_id) : undefined;
  if (!found || !account) {
    throttle.recordFailure(client);
    ctx.log.info({ event: 'auth.signin.failed', reason: 'unknown bearer token', client }, 'sign-in failed');
    throw new UserError('auth.invalid', 'this token is not valid: it may have been revoked');
  }
  if (!isAccountUsable(account, ctx.clock.now()))
    throw new UserError('auth.disabled', 'this account is disabled');
  if (account.must_change_password) {
    throw new UserError('auth.password_change_required', 'change the provisional password first');
  }
  await recordUse(ctx, account, found, 'jmap');
  return account;
}

async function findByPassword(ctx: CoreContext, password: string): Promise<AppPassword | undefined> {
  const letters = normaliseAppPassword(password);
  if (letters === undefined) return undefined;
  return findAppPasswordByHash(ctx.db, keyedHash(ctx.secretKey, 'app-password', letters));
}

async function recordUse(
  ctx: CoreContext,
  account: Account,
  appPassword: AppPassword,
  protocol: AppPasswordProtocol,
): Promise<void> {
  const at = ctx.clock.now();
  // Read first: a bearer token comes with every JMAP request, and even an UPDATE that changes no
  // row takes SQLite's write lock. The statement re-checks, so racing requests write once.
  const previous = appPassword.last_used_at;
  if (previous !== null && at - previous < TOUCH_INTERVAL_MS) return;
  const wrote = await touchAppPassword(ctx.db, appPassword.id, {
    at,
    protocol,
    minIntervalMs: TOUCH_INTERVAL_MS,
  });
  if (!wrote) return;
  if (
    previous === null ||
    at - previous >= AUDIT_USE_INTERVAL_MS ||
    appPassword.last_used_protocol !== protocol
  ) {
    await appendAudit(ctx.db, {
      at,
      actor: account.id,
      action: 'app_password.used',
      target: account.identifier,
      details: { id: appPassword.id, protocol },
    });
  }
}
