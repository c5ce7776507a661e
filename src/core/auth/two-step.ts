/**
 * Two-step sign-in: what a correct password leads to when the account has a second factor, or
 * belongs to a profile that requires one ("connexion sensible", PRODUCT.md §1).
 *
 * Implementation notes
 * - The second step is asked at every web sign-in, unless the browser was trusted (30 days) when a
 *   second step succeeded on it. Trust is per account and per device cookie (devices.ts); it is
 *   never a reason to skip the password.
 * - Between the steps no session exists: a pending sign-in (a random token in a 10-minute cookie,
 *   only its SHA-256 stored) remembers the account and the device the password was typed on. The
 *   second step must come from that device; five wrong codes end it (the password must be typed
 *   again), every wrong code also counts against the client address (client-throttle.ts), and ten
 *   wrong codes of one account within the lockout duration lock it, as wrong passwords do: the
 *   password alone, tried from many addresses, must not buy endless guesses at six digits.
 * - A profile that requires two-step sign-in and an account without a second factor: the pending
 *   sign-in is of purpose `enrol`, and only TOTP enrolment is open to it; its confirmation opens the
 *   session. Passkeys are added from the settings afterwards.
 * - Accepted proofs: a TOTP code (once per time step, totp.ts), a recovery code (once), or a passkey
 *   assertion (passkeys.ts) against the challenge the pending sign-in last offered, spent by the
 *   attempt whatever its outcome (most authenticators keep no counter, so a replayed answer would
 *   otherwise pass). The pending record is deleted before the session opens, so one proof
 *   cannot open two sessions.
 * - Mail protocols never see any of this: once an account has a second factor its password is
 *   refused there (sign-in.ts) and app passwords are the way in.
 */
import { UserError } from '../../lib/errors/index.js';
import { randomToken, sha256Hex } from '../../platform/crypto/index.js';
import {
  type Account,
  appendAudit,
  countAuditSince,
  countPasskeys,
  countPendingFailure,
  countUnusedRecoveryCodes,
  deletePendingSignIn,
  deletePendingSignInsOf,
  findAccountById,
  findPendingSignIn,
  findProfileById,
  insertPendingSignIn,
  isDeviceTrusted,
  latestAuditAt,
  type PendingSignIn,
  type PendingSignInPurpose,
  recordFailedSignIn,
  setPendingChallenge,
  trustDevice,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { isAccountUsable } from './account-usable.js';
import type { ClientThrottle } from './client-throttle.js';
import { isTotpEnabled, redeemRecoveryCode, verifyTotpCode } from './totp.js';

export const PENDING_SIGN_IN_MS = 10 * 60_000;
export const MAX_SECOND_STEP_FAILURES = 5;
/** Wrong second steps of one account, over all its pending sign-ins, before it is locked. */
export const MAX_ACCOUNT_SECOND_STEP_FAILURES = 10;
export const TRUSTED_DEVICE_MS = 30 * 24 * 60 * 60_000;

export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery';

export interface SecondFactors {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

export async function secondFactorsOf(ctx: CoreContext, account: Account): Promise<SecondFactors> {
  const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
    isTotpEnabled(ctx, account),
    countPasskeys(ctx.db, account.id),
    countUnusedRecoveryCodes(ctx.db, account.id),
  ]);
  return { totp, passkeys, recoveryCodesLeft };
}

/** Whether the account has a second factor (recovery codes alone are not one: they back one up). */
export async function hasSecondFactor(ctx: CoreContext, account: Account): Promise<boolean> {
  const factors = await secondFactorsOf(ctx, account);
  return factors.totp || factors.passkeys > 0;
}

export async function isSecondFactorRequired(ctx: CoreContext, account: Account): Promise<boolean> {
  return (await findProfileById(ctx.db, account.profile_id))?.two_factor_required === 1;
}

export type SignInStep =
  | { kind: 'session' }
  | { kind: 'second_factor'; token: string; methods: SecondFactorMethod[] }
  | { kind: 'enrol'; token: string };

/**
 * After a correct password on the web: a session at once, or the second step to take first.
 * @param deviceToken the browser's device cookie (devices.ts), already made valid.
 */
export async function nextSignInStep(
  ctx: CoreContext,
  account: Account,
  deviceToken: string,
): Promise<SignInStep> {
  const factors = await secondFactorsOf(ctx, account);
  const deviceHash = sha256Hex(deviceToken);
  const now = ctx.clock.now();
  let purpose: PendingSignInPurpose;
  if (factors.totp || factors.passkeys > 0) {
    if (await isDeviceTrusted(ctx.db, account.id, deviceHash, now)) return { kind: 'session' };
    purpose = 'second_factor';
  } else if (await isSecondFactorRequired(ctx, account)) {
    purpose = 'enrol';
  } else {
    return { kind: 'session' };
  }
  const token = randomToken(32);
  await insertPendingSignIn(ctx.db, {
    id: sha256Hex(token),
    accountId: account.id,
    purpose,
    deviceHash,
    now,
    expiresAt: now + PENDING_SIGN_IN_MS,
  });
  if (purpose === 'enrol') return { kind: 'enrol', token };
  const methods: SecondFactorMethod[] = [];
  if (factors.totp) methods.push('totp');
  if (factors.passkeys > 0) methods.push('passkey');
  if (factors.recoveryCodesLeft > 0) methods.push('recovery');
  return { kind: 'second_factor', token, methods };
}

export interface ResumedSignIn {
  pending: PendingSignIn;
  account: Account;
}

/**
 * The pending sign-in behind a cookie, on the device it was made on, for `purpose`.
 * @throws UserError `auth.pending_expired` (start again with the password), `auth.disabled`
 */
export async function resumePendingSignIn(
  ctx: CoreContext,
  token: string | undefined,
  deviceToken: string | undefined,
  purpose: PendingSignInPurpose,
): Promise<ResumedSignIn> {
  const now = ctx.clock.now();
  const pending = token ? await findPendingSignIn(ctx.db, sha256Hex(token), now) : undefined;
  if (
    !pending ||
    pending.purpose !== purpose ||
    !deviceToken ||
    sha256Hex(deviceToken) !== pending.device_hash
  )
    throw new UserError('auth.pending_expired', 'this sign-in has expired: type your password again');
  const account = await findAccountById(ctx.db, pending.account_id);
  if (!account)
    throw new UserError('auth.pending_expired', 'this sign-in has expired: type your password again');
  if (!isAccountUsable(account, now)) throw new UserError('auth.disabled', 'this account is disabled');
  return { pending, account };
}

export type SecondStepProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery'; code: string }
  /** Checks the assertion against the challenge the pending sign-in offered (passkeys.ts). */
  | { method: 'passkey'; verify: (challenge: string) => Promise<boolean> };

/**
 * Checks the second step. On success the pending sign-in is spent and, if asked, the device trusted
 * (the caller opens the session and records the device first: see trustSignInDevice).
 * @throws UserError `second_factor.invalid` (attemptsLeft), `auth.pending_expired` after the last
 *   allowed failure or when another request spent the sign-in, `auth.throttled`
 */
export async function completeSecondStep(
  ctx: CoreContext,
  throttle: ClientThrottle,
  resumed: ResumedSignIn,
  proof: SecondStepProof,
  client: string,
): Promise<void> {
  const retryAfterSeconds = throttle.retryAfterSeconds(client);
  if (retryAfterSeconds > 0)
    throw new UserError('auth.throttled', 'too many failed sign-ins from this address', {
      retryAfterSeconds,
    });
  const { pending, account } = resumed;
  const ok =
    proof.method === 'totp'
      ? await verifyTotpCode(ctx, account, proof.code)
      : proof.method === 'recovery'
        ? await redeemRecoveryCode(ctx, account, proof.code)
        : await verifyPasskeyProof(ctx, pending, proof.verify);
  const now = ctx.clock.now();
  if (!ok) {
    throttle.recordFailure(client);
    const failures = await countPendingFailure(ctx.db, pending.id);
    await appendAudit(ctx.db, {
      at: now,
      actor: 'system',
      action: 'auth.second_factor_failed',
      target: account.identifier,
      details: { client, method: proof.method },
    });
    await lockAfterRepeatedFailures(ctx, account, now, client);
    if (failures >= MAX_SECOND_STEP_FAILURES) {
      await deletePendingSignIn(ctx.db, pending.id);
      throw new UserError('auth.pending_expired', 'too many wrong codes: type your password again');
    }
    throw new UserError('second_factor.invalid', 'this code is not valid', {
      attemptsLeft: MAX_SECOND_STEP_FAILURES - failures,
    });
  }
  if (!(await deletePendingSignIn(ctx.db, pending.id)))
    throw new UserError('auth.pending_expired', 'this sign-in has expired: type your password again');
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'auth.second_factor',
    target: account.identifier,
    details: { client, method: proof.method },
  });
}

/**
 * Whoever has the password may start pending sign-ins from many addresses, five codes each: past
 * MAX_ACCOUNT_SECOND_STEP_FAILURES wrong second steps within the lockout duration, the account is
 * locked like after wrong passwords (unlocked by time or by `facteur user unlock`).
 * @throws UserError `auth.locked` once locked
 */
async function lockAfterRepeatedFailures(
  ctx: CoreContext,
  account: Account,
  now: number,
  client: string,
): Promise<void> {
  // Failures before the last lock or unlock are settled: an unlocked account starts afresh.
  const settled = await latestAuditAt(ctx.db, {
    target: account.identifier,
    actions: ['account.locked', 'account.unlocked'],
  });
  const recent = await countAuditSince(ctx.db, {
    target: account.identifier,
    action: 'auth.second_factor_failed',
    since: Math.max(now - ctx.auth.lockoutMs, (settled ?? 0) + 1),
  });
  if (recent < MAX_ACCOUNT_SECOND_STEP_FAILURES) return;
  const locked = await recordFailedSignIn(ctx.db, account.id, {
    now,
    maxAttempts: 1,
    lockMs: ctx.auth.lockoutMs,
  });
  await deletePendingSignInsOf(ctx.db, account.id);
  ctx.log.warn(
    { event: 'auth.lockout', account: account.identifier, client },
    'account locked (second step)',
  );
  await appendAudit(ctx.db, {
    at: now,
    actor: 'system',
    action: 'account.locked',
    target: account.identifier,
    details: { client, until: locked.locked_until, reason: 'second_factor' },
  });
  throw new UserError('auth.locked', 'this account is temporarily locked after repeated failed sign-ins', {
    lockedUntil: new Date(locked.locked_until as number).toISOString(),
  });
}

/** A passkey answer is checked against the challenge last offered, which it spends either way. */
async function verifyPasskeyProof(
  ctx: CoreContext,
  pending: PendingSignIn,
  verify: (challenge: string) => Promise<boolean>,
): Promise<boolean> {
  if (pending.challenge === null) return false;
  await setPendingChallenge(ctx.db, pending.id, null);
  return verify(pending.challenge);
}

/** Records the passkey challenge offered to a pending sign-in (one at a time: a new one replaces it). */
export async function offerPasskeyChallenge(
  ctx: CoreContext,
  resumed: ResumedSignIn,
  challenge: string,
): Promise<void> {
  await setPendingChallenge(ctx.db, resumed.pending.id, challenge);
}

/** Trusts the device of a completed second step for TRUSTED_DEVICE_MS. */
export async function trustSignInDevice(
  ctx: CoreContext,
  account: Account,
  pending: PendingSignIn,
): Promise<void> {
  const now = ctx.clock.now();
  await trustDevice(ctx.db, account.id, pending.device_hash, now + TRUSTED_DEVICE_MS);
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'device.trusted',
    target: account.identifier,
    details: { days: TRUSTED_DEVICE_MS / 86_400_000 },
  });
}

/** Ends an enrolment sign-in once its factor is confirmed. */
export async function completeEnrolment(ctx: CoreContext, resumed: ResumedSignIn): Promise<void> {
  if (!(await deletePendingSignIn(ctx.db, resumed.pending.id)))
    throw new UserError('auth.pending_expired', 'this sign-in has expired: type your password again');
}
