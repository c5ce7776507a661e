/**
 * A small JMAP client (RFC 8620 §3) over the web API client: batches method calls in one POST to
 * the session's apiUrl and hands back each call's arguments by call id.
 *
 * Implementation notes
 * - Transport, CSRF header and request-level failures (network, timeout, HTTP problems) are the
 *   ApiClient's; a method-level `error` response becomes a JmapMethodError naming the JMAP type
 *   (stateMismatch, notFound…), so callers can tell "retry" from "give up".
 * - The session resource is fetched once and cached: the account id and the download URL template
 *   do not change while the page lives.
 */
import type { ApiClient } from '../../api/client';

export const CORE_CAPABILITY = 'urn:ietf:params:jmap:core';
export const MAIL_CAPABILITY = 'urn:ietf:params:jmap:mail';
export const SUBMISSION_CAPABILITY = 'urn:ietf:params:jmap:submission';
export const QUOTA_CAPABILITY = 'urn:ietf:params:jmap:quota';
export const VACATION_CAPABILITY = 'urn:ietf:params:jmap:vacationresponse';

export type MethodArgs = Record<string, unknown>;
export type Invocation = [name: string, args: MethodArgs, callId: string];

export interface JmapSession {
  accountId: string;
  username: string;
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  maxSizeUpload: number;
  /** Most objects one /get and one /set call take (RFC 8620 §2 maxObjectsInGet / maxObjectsInSet). */
  maxObjectsInGet: number;
  maxObjectsInSet: number;
}

/** What the limits are taken as when the session does not say (RFC 8620 suggests at least 500). */
const DEFAULT_MAX_OBJECTS = 500;

export class JmapMethodError extends Error {
  readonly type: string;
  readonly callId: string;
  constructor(callId: string, type: string, description: string | undefined) {
    super(`${type}${description ? `: ${description}` : ''}`);
    this.name = 'JmapMethodError';
    this.type = type;
    this.callId = callId;
  }
}

interface RawSession {
  primaryAccounts: Record<string, string>;
  username: string;
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  capabilities: Record<string, Record<string, unknown>>;
}

export interface JmapClient {
  session(): Promise<JmapSession>;
  /** Runs the calls in one request; the result maps call id to response arguments. */
  request(calls: readonly Invocation[]): Promise<Map<string, MethodArgs>>;
}

export function createJmapClient(api: ApiClient): JmapClient {
  let session: Promise<JmapSession> | undefined;

  const loadSession = async (): Promise<JmapSession> => {
    const raw = await api.get<RawSession>('/jmap/session');
    const accountId = raw.primaryAccounts[MAIL_CAPABILITY];
    if (!accountId) throw new Error('the JMAP session names no mail account');
    const core = raw.capabilities[CORE_CAPABILITY];
    const limit = (value: unknown) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_OBJECTS;
    return {
      accountId,
      username: raw.username,
      apiUrl: raw.apiUrl,
      downloadUrl: raw.downloadUrl,
      uploadUrl: raw.uploadUrl,
      eventSourceUrl: raw.eventSourceUrl,
      maxSizeUpload: Number(core?.maxSizeUpload ?? 0),
      maxObjectsInGet: limit(core?.maxObjectsInGet),
      maxObjectsInSet: limit(core?.maxObjectsInSet),
    };
  };

  return {
    session() {
      session ??= loadSession().catch((error: unknown) => {
        // A failed fetch is not cached: the next call tries again.
        session = undefined;
        throw error;
      });
      return session;
    },
    async request(calls) {
      const { apiUrl } = await this.session();
      const response = await api.post<{ methodResponses: Invocation[] }>(apiUrl, {
        using: [
          CORE_CAPABILITY,
          MAIL_CAPABILITY,
          SUBMISSION_CAPABILITY,
          QUOTA_CAPABILITY,
          VACATION_CAPABILITY,
        ],
        methodCalls: calls,
      });
      const results = new Map<string, MethodArgs>();
      for (const [name, args, callId] of response.methodResponses) {
        if (name === 'error') {
          throw new JmapMethodError(callId, String(args.type), args.description as string | undefined);
        }
        // A call answered twice (Foo/set then an implicit Foo/get) keeps its first answer.
        if (!results.has(callId)) results.set(callId, args);
      }
      return results;
    },
  };
}

/** The download URL of a blob (RFC 8620 §6.2), from the session's template. */
export function downloadUrl(session: JmapSession, blobId: string, name: string, type: string): string {
  return session.downloadUrl
    .replace('{accountId}', encodeURIComponent(session.accountId))
    .replace('{blobId}', encodeURIComponent(blobId))
    .replace('{name}', encodeURIComponent(name))
    .replace('{type}', encodeURIComponent(type));
}
