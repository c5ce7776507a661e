import type {
  AppPasswordList,
  ChangePasswordRequest,
  ClientSettings,
  CreateAppPasswordRequest,
  CreatedAppPasswordInfo,
  CreatePasskeyRequest,
  PasskeyInfo,
  PasskeyList,
  PasskeyRegistrationOptions,
  PasskeyRegistrationOptionsRequest,
  PortalInfo,
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
    listPasskeys: () => client.get<PasskeyList>('/api/passkeys'),
    passkeyRegistrationOptions: (request: PasskeyRegistrationOptionsRequest) =>
      client.post<PasskeyRegistrationOptions>('/api/passkeys/registration-options', request),
    createPasskey: (request: CreatePasskeyRequest) => client.post<PasskeyInfo>('/api/passkeys', request),
    removePasskey: (id: string) => client.delete(`/api/passkeys/${encodeURIComponent(id)}`),
    listSessions: () => client.get<SessionList>('/api/sessions'),
    endSession: (id: string) => client.delete(`/api/sessions/${encodeURIComponent(id)}`),
    endOtherSessions: () => client.post<{ closed: number }>('/api/sessions/sign-out-others', {}),
  };
}

export type FacteurApi = ReturnType<typeof createFacteurApi>;
