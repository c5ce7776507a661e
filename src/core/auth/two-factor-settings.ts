/**
 * Two-step sign-in as the account holder manages it from the settings: turn TOTP on and off, make
 * new recovery codes, forget trusted browsers.
 *
 * Implementation notes
 * - Every change asks the account password again (current-password.ts): a session left open must
 *   not let someone else replace the second factor.
 * - The last second factor cannot be removed when the profile requires one (`two_factor.required`).
 * - Recovery codes back up the second factors; they go when the last factor goes.
 */
import { UserError } from '../../lib/errors/index.js';
import {
  type Account,
  appendAudit,
  countTrustedDevices,
  forgetTrustedDevices,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { assertCurrentPassword } from './current-password.js';
import { disableTotp, makeRecoveryCodes, startTotpEnrolment, type TotpEnrolment } from './totp.js';
import { isSecondFactorRequired, secondFactorsOf } from './two-step.js';

export interface TwoFactorState {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
  required: boolean;
  trustedDevices: number;
}

export async function twoFactorState(ctx: CoreContext, account: Account): Promise<TwoFactorState> {
  const [factors, required, trustedDevices] = await Promise.all([
    secondFactorsOf(ctx, account),
    isSecondFactorRequired(ctx, account),
    countTrustedDevices(ctx.db, account.id, ctx.clock.now()),
  ]);
  return { ...factors, required, trustedDevices };
}

/** @throws UserError `password.current_wrong`, `totp.already_enabled` */
export async function startTotpFromSettings(
  ctx: CoreContext,
  account: Account,
  currentPassword: string,
  issuer: string,
): Promise<TotpEnrolment> {
  await assertCurrentPassword(ctx, account, currentPassword);
  return startTotpEnrolment(ctx, account, issuer);
}

/** @throws UserError `password.current_wrong`, `two_factor.required` */
export async function turnTotpOff(
  ctx: CoreContext,
  account: Account,
  currentPassword: string,
): Promise<void> {
  await assertCurrentPassword(ctx, account, currentPassword);
  const factors = await secondFactorsOf(ctx, account);
  if (factors.passkeys === 0 && (await isSecondFactorRequired(ctx, account)))
    throw new UserError('two_factor.required', 'your profile requires a second factor: add a passkey first');
  await disableTotp(ctx, account, account.id, { keepRecoveryCodes: factors.passkeys > 0 });
}

/** @throws UserError `password.current_wrong`, `two_factor.off` */
export async function renewRecoveryCodes(
  ctx: CoreContext,
  account: Account,
  currentPassword: string,
): Promise<string[]> {
  await assertCurrentPassword(ctx, account, currentPassword);
  const factors = await secondFactorsOf(ctx, account);
  if (!factors.totp && factors.passkeys === 0)
    throw new UserError('two_factor.off', 'recovery codes back up a second factor: turn one on first');
  return makeRecoveryCodes(ctx, account);
}

export async function forgetDevices(ctx: CoreContext, account: Account): Promise<number> {
  const forgotten = await forgetTrustedDevices(ctx.db, account.id);
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor: account.id,
    action: 'device.trust_revoked',
    target: account.identifier,
    details: { devices: forgotten },
  });
  return forgotten;
}
