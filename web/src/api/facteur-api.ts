import type {
  AppPasswordList,
  CaptchaChallenge,
  ChangePasswordRequest,
  ClientSettings,
  CreateAppPasswordRequest,
  CreatedAppPasswordInfo,
  PortalInfo,
  RecoveredIdentifiers,
  RecoveryRequest,
  ResetPasswordRequest,
  ResetRequested,
  ResetTokenInfo,
  SessionInfo,
  SessionList,
  SignInRequest,
} from '../../../common/api.js';
import { type ApiClient, createApiClient } from './client';

/** The web API routes of common/api.ts as typed calls. */
export function createFacteurApi(client: ApiClient = createApiClient()) {
  return {
    getPortal: () => client.get<PortalInfo>('/api/portal'),
    getSession: () => client.get<SessionInfo>('/api/session'),
    signIn: (request: SignInRequest) => client.post<SessionInfo>('/api/session', request),
    signOut: () => client.delete('/api/session'),
    changePassword: (request: ChangePasswordRequest) => client.post<SessionInfo>('/api/password', request),
    getClientSettings: () => client.get<ClientSettings>('/api/client-settings'),
    listAppPasswords: () => client.get<AppPasswordList>('/api/app-passwords'),
    createAppPassword: (request: CreateAppPasswordRequest) =>
      client.post<CreatedAppPasswordInfo>('/api/app-passwords', request),
    revokeAppPassword: (id: string) => client.delete(`/api/app-passwords/${encodeURIComponent(id)}`),
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
