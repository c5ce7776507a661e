/**
 * What the recovery pages need besides the core context: their policy knobs (from the
 * configuration), the captcha and the rate limiter, built once by the composition root.
 */
import type { CoreContext } from '../context.js';
import { type Captcha, createCaptcha } from './captcha.js';
import { createRecoveryLimiter, type RecoveryLimiter, type RecoveryLimits } from './rate-limit.js';

/** A reset link works this long after it was sent. */
export const RESET_LINK_TTL_MS = 30 * 60_000;
/** The page a reset link opens; the token follows in the fragment. */
export const RESET_PAGE_PATH = '/aide/nouveau-mot-de-passe';

export interface RecoverySettings {
  limits: RecoveryLimits;
  /** Every answer of the two request endpoints leaves no sooner than this after the request. */
  minResponseMs: number;
  powMaxCounter: number;
  /** `https://mail.ac-exemple.fr`: where the link in the mail points. */
  publicUrl: string;
}

export interface Recovery {
  settings: RecoverySettings;
  captcha: Captcha;
  limiter: RecoveryLimiter;
}

export function createRecovery(ctx: CoreContext, settings: RecoverySettings): Recovery {
  return {
    settings,
    captcha: createCaptcha({
      secretKey: ctx.secretKey,
      clock: ctx.clock,
      maxCounter: settings.powMaxCounter,
    }),
    limiter: createRecoveryLimiter(ctx.clock, settings.limits),
  };
}
