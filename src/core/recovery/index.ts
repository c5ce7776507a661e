/**
 * Self-service account recovery (PRODUCT.md §1): "Connaître son identifiant" and "Réinitialiser son
 * mot de passe", behind a proof-of-work captcha, rate limits and answers that do not tell whether
 * an account matched (docs/security.md, "Self-service recovery").
 */
export { type Captcha, type CaptchaChallenge, CHALLENGE_TTL_MS, createCaptcha } from './captcha.js';
export { type Started, startTimer, withFixedDuration } from './fixed-duration.js';
export { type RecoveredIdentifier, recoverIdentifier } from './identifier.js';
export {
  parseBirthDate,
  parseNewPasswordBody,
  parseNumen,
  parseRecoveryRequest,
  parseTokenBody,
  type RecoveryRequest,
} from './input.js';
export { createRecoveryLimiter, type RecoveryLimiter, type RecoveryLimits } from './rate-limit.js';
export { accountOfResetToken, completePasswordReset } from './reset-complete.js';
export { resetLink } from './reset-mail.js';
export { requestPasswordReset } from './reset-request.js';
export {
  createRecovery,
  RESET_LINK_TTL_MS,
  RESET_PAGE_PATH,
  type Recovery,
  type RecoverySettings,
} from './settings.js';
