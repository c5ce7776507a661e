export { isAccountUsable } from './account-usable.js';
export {
  authenticateBearer,
  type CreatedAppPassword,
  createAppPassword,
  listAppPasswords,
  MAX_APP_PASSWORD_NAME_LENGTH,
  MAX_APP_PASSWORDS,
  revokeAllAppPasswords,
  revokeAppPassword,
} from './app-passwords.js';
export { MAX_AUDIT_WINDOW, readAudit } from './audit.js';
export { type ClientThrottle, createClientThrottle, MAX_TRACKED_CLIENTS } from './client-throttle.js';
export { assertCurrentPassword } from './current-password.js';
export { DEVICE_TOKEN_MAX_AGE_MS, deviceTokenFrom, recordSignInDevice } from './devices.js';
export {
  finishPasskeyRegistration,
  hasPasskeys,
  listPasskeys,
  MAX_PASSKEY_NAME_LENGTH,
  MAX_PASSKEYS,
  PASSKEY_CHALLENGE_TTL_MS,
  passkeySignInOptions,
  type RelyingParty,
  removePasskey,
  renamePasskey,
  startPasskeyRegistration,
  verifyPasskeySignIn,
} from './passkeys.js';
export { changePassword, passwordViolations } from './password-change.js';
export {
  type ActiveSession,
  assertPasswordChanged,
  closeOtherSessions,
  closeSession,
  closeSessionById,
  listSessions,
  openSession,
  publicSessionId,
  resumeSession,
  type SessionCredentials,
  type SessionView,
  signOutOtherSessions,
} from './sessions.js';
export { MAX_PASSWORD_LENGTH, type SignInAttempt, verifySignIn } from './sign-in.js';
export {
  confirmTotpEnrolment,
  disableTotp,
  isTotpEnabled,
  makeRecoveryCodes,
  RECOVERY_CODE_COUNT,
  redeemRecoveryCode,
  startTotpEnrolment,
  type TotpEnrolment,
  verifyTotpCode,
} from './totp.js';
export {
  forgetDevices,
  renewRecoveryCodes,
  startTotpFromSettings,
  type TwoFactorState,
  turnTotpOff,
  twoFactorState,
} from './two-factor-settings.js';
export {
  completeEnrolment,
  completeSecondStep,
  hasSecondFactor,
  isSecondFactorRequired,
  MAX_SECOND_STEP_FAILURES,
  nextSignInStep,
  offerPasskeyChallenge,
  PENDING_SIGN_IN_MS,
  type ResumedSignIn,
  resumePendingSignIn,
  type SecondFactorMethod,
  type SecondStepProof,
  type SignInStep,
  secondFactorsOf,
  TRUSTED_DEVICE_MS,
  trustSignInDevice,
} from './two-step.js';
