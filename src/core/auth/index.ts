export { type ClientThrottle, createClientThrottle, MAX_TRACKED_CLIENTS } from './client-throttle.js';
export { changePassword, passwordViolations } from './password-change.js';
export {
  type ActiveSession,
  assertPasswordChanged,
  closeOtherSessions,
  closeSession,
  openSession,
  resumeSession,
  type SessionCredentials,
} from './sessions.js';
export { MAX_PASSWORD_LENGTH, type SignInAttempt, verifySignIn } from './sign-in.js';
