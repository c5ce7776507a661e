/**
 * Time-based one-time passwords (RFC 6238) and recovery codes: the core of two-step sign-in
 * (issue "account security"). Enrolment and checks only; the sign-in flow and its pages build on it.
 *
 * Implementation notes
 * - SHA-1, 6 digits, 30 s: what every authenticator app reads from the otpauth:// URI (Google
 *   Authenticator ignores other parameters). A code of the previous or next step is accepted (clock
 *   drift), and each step once: `last_step` only moves forward, in one statement.
 * - The secret (160 bits) is sealed in the database and shown once, as the URI and in base32, during
 *   enrolment; enrolment is confirmed by a first valid code, which also makes 10 recovery codes.
 * - Recovery codes: 10 random characters of a 32-symbol alphabet without look-alikes (50 bits),
 *   shown `xxxxx-xxxxx`, stored as keyed hashes, each spent once; making new ones voids the old.
 */
import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { UserError } from '../../lib/errors/index.js';
import { keyedHash, seal, unseal } from '../../platform/crypto/index.js';
import {
  type Account,
  advanceTotpStep,
  appendAudit,
  countUnusedRecoveryCodes,
  deleteSecondFactors,
  findTotpSecret,
  replaceRecoveryCodes,
  saveUnconfirmedTotp,
  spendRecoveryCode,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

const PERIOD_SECONDS = 30;
const SEAL_PURPOSE = 'totp-secret';
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function totp(account: Account, issuer: string, secretBase32: string): TOTP {
  return new TOTP({
    issuer,
    label: account.address,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

export interface TotpEnrolment {
  /** base32, for typing into an app that cannot scan. */
  secret: string;
  /** otpauth://totp/… for the QR code. */
  uri: string;
}

export async function isTotpEnabled(ctx: CoreContext, account: Account): Promise<boolean> {
  return (await findTotpSecret(ctx.db, account.id))?.confirmed_at != null;
}

/** @throws UserError `totp.already_enabled` */
export async function startTotpEnrolment(
  ctx: CoreContext,
  account: Account,
  issuer: string,
): Promise<TotpEnrolment> {
  if (await isTotpEnabled(ctx, account))
    throw new UserError('totp.already_enabled', 'two-step sign-in is already on');
  const secret = new Secret({ size: 20 }).base32;
  await saveUnconfirmedTotp(ctx.db, account.id, seal(ctx.secretKey, SEAL_PURPOSE, secret), ctx.clock.now());
  return { secret, uri: totp(account, issuer, secret).toString() };
}

/** The time step `code` is valid for, or undefined. */
function stepOf(account: Account, secret: string, code: string, now: number): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totp(account, 'Facteur', secret).validate({ token, timestamp: now, window: 1 });
  return delta === null ? undefined : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/**
 * Ends an enrolment with the first code from the app.
 * @returns the recovery codes, shown once.
 * @throws UserError `totp.not_started`, `totp.already_enabled`, `totp.code_invalid`
 */
export async function confirmTotpEnrolment(
  ctx: CoreContext,
  account: Account,
  code: string,
): Promise<string[]> {
  const row = await findTotpSecret(ctx.db, account.id);
  if (!row) throw new UserError('totp.not_started', 'start the enrolment first');
  if (row.confirmed_at !== null)
    throw new UserError('totp.already_enabled', 'two-step sign-in is already on');
  const now = ctx.clock.now();
  const step = stepOf(account, unseal(ctx.secretKey, SEAL_PURPOSE, row.secret_sealed), code, now);
  if (step === undefined || !(await advanceTotpStep(ctx.db, account.id, step, now))) {
    throw new UserError('totp.code_invalid', 'this code is not the one the app shows now');
  }
  const codes = await makeRecoveryCodes(ctx, account);
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'totp.enabled',
    target: account.identifier,
    details: null,
  });
  return codes;
}

/** Whether `code` is the account's current TOTP code, not used before. False when TOTP is off. */
export async function verifyTotpCode(ctx: CoreContext, account: Account, code: string): Promise<boolean> {
  const row = await findTotpSecret(ctx.db, account.id);
  if (row?.confirmed_at == null) return false;
  const step = stepOf(account, unseal(ctx.secretKey, SEAL_PURPOSE, row.secret_sealed), code, ctx.clock.now());
  return step !== undefined && advanceTotpStep(ctx.db, account.id, step);
}

function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** New recovery codes in place of the old ones. @returns them, shown once. */
export async function makeRecoveryCodes(ctx: CoreContext, account: Account): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const now = ctx.clock.now();
  await replaceRecoveryCodes(
    ctx.db,
    account.id,
    codes.map((c) => keyedHash(ctx.secretKey, 'recovery-code', c)),
    now,
  );
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'recovery_codes.created',
    target: account.identifier,
    details: { count: codes.length },
  });
  return codes;
}

/** Spends one recovery code (typed with or without the dash, in any case). @returns whether it was valid. */
export async function redeemRecoveryCode(ctx: CoreContext, account: Account, code: string): Promise<boolean> {
  if (code.length > 32) return false;
  const now = ctx.clock.now();
  const spent = await spendRecoveryCode(
    ctx.db,
    account.id,
    keyedHash(ctx.secretKey, 'recovery-code', code),
    now,
  );
  if (spent) {
    await appendAudit(ctx.db, {
      at: now,
      actor: account.id,
      action: 'recovery_code.used',
      target: account.identifier,
      details: { left: await countUnusedRecoveryCodes(ctx.db, account.id) },
    });
  }
  return spent;
}

/** Turns TOTP off; its recovery codes go too unless another factor (a passkey) stays. */
export async function disableTotp(
  ctx: CoreContext,
  account: Account,
  actor: string,
  options: { keepRecoveryCodes?: boolean } = {},
): Promise<void> {
  await deleteSecondFactors(ctx.db, account.id, { keepRecoveryCodes: options.keepRecoveryCodes ?? false });
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor,
    action: 'totp.disabled',
    target: account.identifier,
    details: null,
  });
}
