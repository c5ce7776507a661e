/**
 * The web API contract between the server (src/protocols/http) and the web client (web/src).
 *
 * All routes live under `/api`. Bodies are JSON. Errors are RFC 9457 problem+json (`Problem`).
 * Every request that changes state (POST, PUT, PATCH, DELETE) must carry the header
 * `X-CSRF-Token` equal to the value of the `facteur_csrf` cookie (double-submit); the server
 * sets that cookie on every response that lacks it, including `GET /api/portal`.
 *
 * Routes
 * - GET    /api/portal    → PortalInfo (public): institution name, logo, announcements.
 * - GET    /api/session   → SessionInfo, or 401 problem `auth.required`.
 * - POST   /api/session   SignInRequest → SessionInfo; 401 `auth.invalid`; 423 `auth.locked`
 *                         (with `lockedUntil`); 403 `auth.disabled`; 429 `auth.throttled`
 *                         (with `retryAfterSeconds`); 400 `request.invalid`.
 *                         When a second step is due (two-step sign-in on and this browser not
 *                         trusted, or a profile that requires it and no second factor yet), the
 *                         answer is SecondStepRequired or EnrolmentRequired instead, with a
 *                         10-minute `facteur_pending` cookie, and no session yet:
 * - POST   /api/session/second-factor  SecondFactorRequest → SessionInfo; 401 `second_factor.invalid`
 *                         (with `attemptsLeft`); 401 `auth.pending_expired` (type the password again).
 * - POST   /api/session/passkey-options → PasskeyRequestOptions for a passkey second step.
 * - POST   /api/session/enrolment/totp → TotpSetup (pending sign-in of purpose enrol only).
 * - POST   /api/session/enrolment/totp/confirm  TotpConfirmRequest → EnrolledSession;
 *                         400 `totp.code_invalid`.
 * - DELETE /api/session   → 204 (signs out; the cookie is cleared).
 * - POST   /api/password  ChangePasswordRequest → SessionInfo (mustChangePassword false);
 *                         400 `password.policy` (with `violations`); 403 `password.current_wrong`.
 * - GET    /api/passkeys  → PasskeyList (the account's passkeys, oldest first).
 * - POST   /api/passkeys/registration-options  PasskeyRegistrationOptionsRequest →
 *                         PasskeyRegistrationOptions (for @simplewebauthn/browser's
 *                         `startRegistration`); 403 `password.current_wrong`; 409 `passkey.limit`.
 * - POST   /api/passkeys  CreatePasskeyRequest → 201 PasskeyInfo; 400 `passkey.name_invalid`
 *                         (with `maxLength`), `passkey.invalid`; 409 `passkey.challenge_expired`
 *                         (ask for options again), `passkey.already_registered`, `passkey.limit`.
 * - DELETE /api/passkeys/:id → 204; 404 `passkey.not_found`; 409 `two_factor.required` (the last
 *                         second factor of a profile that requires two-step sign-in).
 * While `mustChangePassword` is true every other authenticated route answers 403
 * `auth.password_change_required`.
 *
 * Self-service recovery (public: no session needed; docs/security.md "Self-service recovery")
 * - GET    /api/recovery/challenge → CaptchaChallenge: an ALTCHA proof-of-work challenge, valid
 *                         5 minutes, whose solution (`altcha`) each request below needs once.
 * - POST   /api/recovery/identifier  RecoveryRequest → RecoveredIdentifiers; 404 `recovery.no_match`
 *                         (unknown NUMEN, wrong birth date or disabled account: one answer).
 * - POST   /api/recovery/password-reset  RecoveryRequest → 202 ResetRequested, the same whether or
 *                         not an account matched; the link goes to the recovery address on file.
 *   Both: 400 `request.invalid`, `recovery.numen_invalid`, `recovery.birth_date_invalid`,
 *   `recovery.captcha_invalid`; 429 `recovery.throttled` (with `retryAfterSeconds`). Each answer
 *   after the checks takes the same fixed time.
 * - POST   /api/recovery/reset-token  ResetTokenRequest → ResetTokenInfo; 410 `recovery.token_invalid`.
 * - POST   /api/recovery/new-password  ResetPasswordRequest → 204; 410 `recovery.token_invalid`;
 *                         400 `password.policy` (with `violations`; the token stays usable).
 */

import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';

export const CSRF_COOKIE = 'facteur_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export type Locale = 'fr' | 'en';

export interface PortalInfo {
  institutionName: string;
  /** URL of the logo image (same origin), or null to show the name only. */
  logoUrl: string | null;
  /** Support / help page for users. */
  helpUrl: string | null;
  domain: string;
  announcements: Announcement[];
}

export interface Announcement {
  id: string;
  /** `info` for news, `maintenance` for planned interruptions (shown before they start). */
  kind: 'info' | 'maintenance';
  startsAt: string;
  endsAt: string;
  /** Plain text (never markup); the English falls back to the French when none was given. */
  text: Record<Locale, { title: string; body: string }>;
}

export interface SignInRequest {
  /** Academic identifier (`sdupont`) or full address (`sylvie.dupont@ac-exemple.fr`). */
  login: string;
  password: string;
}

export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery';

/** POST /api/session: the password was right; a second factor is asked before the session opens. */
export interface SecondStepRequired {
  next: 'second_factor';
  /** What the account can answer with, in the order to offer them. */
  methods: SecondFactorMethod[];
}

/** POST /api/session: the profile requires two-step sign-in and the account has no second factor. */
export interface EnrolmentRequired {
  next: 'enrol';
}

export type SignInResponse = SessionInfo | SecondStepRequired | EnrolmentRequired;

export type SecondFactorRequest =
  | { method: 'totp' | 'recovery'; code: string; trustDevice: boolean }
  /** `response`: the browser's AuthenticationResponseJSON. */
  | { method: 'passkey'; response: unknown; trustDevice: boolean };

/** WebAuthn PublicKeyCredentialRequestOptionsJSON, passed to the browser as is. */
export type PasskeyRequestOptions = Record<string, unknown>;

/** A TOTP enrolment in progress: the secret shown once, as a QR code and as text. */
export interface TotpSetup {
  /** Base32, grouped by 4 for typing. */
  secret: string;
  /** otpauth:// URI, what the QR code holds. */
  uri: string;
  /** The QR code, an SVG document. */
  qrCodeSvg: string;
}

export interface TotpConfirmRequest {
  code: string;
}

/** Ten single-use recovery codes, shown once. */
export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface EnrolledSession extends RecoveryCodes {
  session: SessionInfo;
}

/**
 * Two-step sign-in in the settings:
 * - GET  /api/two-factor → TwoFactorStatus.
 * - POST /api/two-factor/totp  PasswordConfirmation → TotpSetup; 409 `totp.already_enabled`.
 * - POST /api/two-factor/totp/confirm  TotpConfirmRequest → RecoveryCodes; 400 `totp.code_invalid`.
 * - POST /api/two-factor/totp/disable  PasswordConfirmation → TwoFactorStatus; 409
 *   `two_factor.required` when the profile requires it and no passkey is left.
 * - POST /api/two-factor/recovery-codes  PasswordConfirmation → RecoveryCodes (the old ones void);
 *   409 `two_factor.off`.
 * - POST /api/two-factor/forget-devices → TwoFactorStatus (every trusted browser asks again).
 * `password.current_wrong` (403) when the password is wrong.
 */
export interface TwoFactorStatus {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
  /** The account's profile requires a second factor. */
  required: boolean;
  /** Browsers that skip the second step for now. */
  trustedDevices: number;
}

export interface PasswordConfirmation {
  currentPassword: string;
}

export interface AccountInfo {
  id: string;
  identifier: string;
  address: string;
  firstName: string;
  lastName: string;
  role: 'user' | 'admin';
  /** Needed by the client to explain the password policy (names must not appear). */
  birthDateKnown: boolean;
}

export interface SessionInfo {
  account: AccountInfo;
  mustChangePassword: boolean;
  /** Milliseconds of inactivity after which the server ends the session. */
  idleTimeoutMs: number;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/** Machine-readable reasons a password is refused; the UI renders them in French or English. */
export type PasswordViolation =
  | 'too_short'
  | 'no_lowercase'
  | 'no_uppercase'
  | 'no_digit'
  | 'no_symbol'
  | 'contains_name'
  | 'contains_birth_date'
  | 'too_weak'
  | 'same_as_current';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Stable dot-named code the client switches on, e.g. `auth.locked`. */
  code: string;
  lockedUntil?: string;
  retryAfterSeconds?: number;
  violations?: PasswordViolation[];
  /** `second_factor.invalid`: codes that may still be tried before the password is asked again. */
  attemptsLeft?: number;
}

/** GET /api/client-settings: what a mail client needs, for the settings page (TLS first). */
export interface ClientSettings {
  hostname: string;
  imap: { port: number; security: 'tls' | 'starttls' }[];
  smtp: { port: number; security: 'tls' | 'starttls' }[];
  /** The user name to give the client: the mail address. */
  username: 'address';
}

/** One person of GET /api/directory?q=…: what a recipient needs, nothing more. */
export interface DirectoryEntry {
  name: string;
  email: string;
  /** The establishment (school, service) the person belongs to, when known. */
  establishment: string | null;
}

/** GET /api/directory?q=… (at least 2 characters; at most 20 active accounts of one's institution). */
export interface DirectorySearchResult {
  results: DirectoryEntry[];
}

/** The place of a session's address (FACTEUR_NETWORK_NAMES, else loopback / private / public). */
export type SessionPlace = { kind: 'named'; name: string } | { kind: 'loopback' | 'private' | 'public' };

/** One session of GET /api/sessions ("Sessions actives"). */
export interface SessionEntry {
  id: string;
  /** The session of this request. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  /** Where the address is: a network the institution named, this computer, a local network, or elsewhere. */
  place: SessionPlace;
  /** "Firefox 132", or null when the browser did not say something we recognise. */
  browser: string | null;
  os: string | null;
  mobile: boolean;
}

export interface SessionList {
  sessions: SessionEntry[];
  idleTimeoutMs: number;
}

/** An app password as the settings list it: never the secret. */
export interface AppPasswordInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedProtocol: 'imap' | 'smtp' | 'jmap' | null;
}

export interface AppPasswordList {
  appPasswords: AppPasswordInfo[];
  max: number;
  maxNameLength: number;
}

/** POST /api/app-passwords: the account password is asked again before a lasting credential is made. */
export interface CreateAppPasswordRequest {
  name: string;
  currentPassword: string;
}

export interface CreatedAppPasswordInfo {
  appPassword: AppPasswordInfo;
  /** Shown once: `abcd-efgh-ijkl-mnop`. */
  password: string;
}

export interface PasskeyInfo {
  id: string;
  /** Chosen by the user: « Clé USB », « Téléphone ». */
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** A passkey synced between devices (a password manager or phone account) rather than one key. */
  synced: boolean;
}

export interface PasskeyList {
  passkeys: PasskeyInfo[];
  max: number;
  maxNameLength: number;
}

/** POST /api/passkeys/registration-options: the account password is asked again. */
export interface PasskeyRegistrationOptionsRequest {
  currentPassword: string;
}

export interface PasskeyRegistrationOptions {
  /** WebAuthn creation options in JSON, valid 5 minutes, for `startRegistration({ optionsJSON })`. */
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** POST /api/passkeys: the browser's answer to the options, and the name to show. */
export interface CreatePasskeyRequest {
  name: string;
  response: RegistrationResponseJSON;
}

/** GET /api/recovery/challenge: an ALTCHA v2 challenge (altcha-lib `Challenge`), solved in the browser. */
export interface CaptchaChallenge {
  parameters: {
    algorithm: string;
    nonce: string;
    salt: string;
    cost: number;
    keyLength: number;
    keyPrefix: string;
    keySignature?: string;
    expiresAt?: number;
    memoryCost?: number;
    parallelism?: number;
    data?: Record<string, string | number | boolean | null>;
  };
  signature?: string;
}

/** POST /api/recovery/identifier and /api/recovery/password-reset. */
export interface RecoveryRequest {
  /** 13 letters or digits; spaces and case do not matter. */
  numen: string;
  /** `YYYY-MM-DD` (or `JJ/MM/AAAA`). */
  birthDate: string;
  /** The solved challenge: base64 of JSON `{ challenge, solution: { counter, derivedKey } }`. */
  altcha: string;
}

export interface RecoveredIdentifiers {
  accounts: { identifier: string; address: string }[];
}

export interface ResetRequested {
  status: 'accepted';
}

/** The token is the fragment of the mailed link (`/aide/nouveau-mot-de-passe#<token>`). */
export interface ResetTokenRequest {
  token: string;
}

/** Who the link resets, so that the page can check the policy's name rules as the user types. */
export interface ResetTokenInfo {
  identifier: string;
  address: string;
  firstName: string;
  lastName: string;
  birthDateKnown: boolean;
}

export interface ResetPasswordRequest {
  token: string;
  newPassword: string;
}
