import type {
  AppPasswordList,
  CaptchaChallenge,
  ChangePasswordRequest,
  ClientSettings,
  CreateAppPasswordRequest,
  CreatedAppPasswordInfo,
  CreatePasskeyRequest,
  EnrolledSession,
  PasskeyInfo,
  PasskeyList,
  PasskeyRegistrationOptions,
  PasskeyRegistrationOptionsRequest,
  PasskeyRequestOptions,
  PortalInfo,
  RecoveredIdentifiers,
  RecoveryCodes,
  RecoveryRequest,
  ResetPasswordRequest,
  ResetRequested,
  ResetTokenInfo,
  SecondFactorRequest,
  SessionInfo,
  SessionList,
  SignInRequest,
  SignInResponse,
  TotpSetup,
  TwoFactorStatus,
} from '../../../common/api.js';
import { type ApiClient, createApiClient } from './client';

/** The web API routes of common/api.ts as typed calls. */
export function createFacteurApi(client: ApiClient = createApiClient()) {
  return {
    getPortal: () => client.get<PortalInfo>('/api/portal'),
    getSession: () => client.get<SessionInfo>('/api/session'),
    signIn: (request: SignInRequest) => client.post<SignInResponse>('/api/session', request),
    secondFactor: (request: SecondFactorRequest) =>
      client.post<SessionInfo>('/api/session/second-factor', request),
    passkeySignInOptions: () => client.post<PasskeyRequestOptions>('/api/session/passkey-options', {}),
    startEnrolment: () => client.post<TotpSetup>('/api/session/enrolment/totp', {}),
    confirmEnrolment: (code: string) =>
      client.post<EnrolledSession>('/api/session/enrolment/totp/confirm', { code }),
    getTwoFactor: () => client.get<TwoFactorStatus>('/api/two-factor'),
    startTotp: (currentPassword: string) =>
      client.post<TotpSetup>('/api/two-factor/totp', { currentPassword }),
    confirmTotp: (code: string) => client.post<RecoveryCodes>('/api/two-factor/totp/confirm', { code }),
    disableTotp: (currentPassword: string) =>
      client.post<TwoFactorStatus>('/api/two-factor/totp/disable', { currentPassword }),
    renewRecoveryCodes: (currentPassword: string) =>
      client.post<RecoveryCodes>('/api/two-factor/recovery-codes', { currentPassword }),
    forgetTrustedDevices: () => client.post<TwoFactorStatus>('/api/two-factor/forget-devices', {}),
    signOut: () => client.delete('/api/session'),
    changePassword: (request: ChangePasswordRequest) => client.post<SessionInfo>('/api/password', request),
    getClientSettings: () => client.get<ClientSettings>('/api/client-settings'),
    listAppPasswords: () => client.get<AppPasswordList>('/api/app-passwords'),
    createAppPassword: (request: CreateAppPasswordRequest) =>
      client.post<CreatedAppPasswordInfo>('/api/app-passwords', request),
    revokeAppPassword: (id: string) => client.delete(`/api/app-passwords/${encodeURIComponent(id)}`),
    listPasskeys: () => client.get<PasskeyList>('/api/passkeys'),
    passkeyRegistrationOptions: (request: PasskeyRegistrationOptionsRequest) =>
      client.post<PasskeyRegistrationOptions>('/api/passkeys/registration-options', request),
    createPasskey: (request: CreatePasskeyRequest) => client.post<PasskeyInfo>('/api/passkeys', request),
    removePasskey: (id: string) => client.delete(`/api/passkeys/${encodeURIComponent(id)}`),
    listSessions: () => client.get<SessionList>('/api/sessions'),
    endSession: (id: string) => client.delete(`/api/sessions/${encodeURIComponent(id)}`),
    endOtherSessions: () => client.post<{ closed: number }>('/api/sessions/sign-out-others', {}),
    getRecoveryChallenge: () => client.get<CaptchaChallenge>('/api/recovery/challenge'),
    recoverIdentifier: (request: RecoveryRequest) =>
      client.post<RecoveredIdentifiers>('/api/recovery/identifier', request),
    requestPasswordReset: (request: RecoveryRequest) =>
      client.post<ResetRequested>('/api/recovery/password-reset', request),
    inspectResetToken: (token: string) => client.post<ResetTokenInfo>('/api/recovery/reset-token', { token }),
    resetPassword: (request: ResetPasswordRequest) =>
      client.post<void>('/api/recovery/new-password', request),
  };
}

export type FacteurApi = ReturnType<typeof createFacteurApi>;
