/**
 * Fetch wrapper for the web API (common/api.ts).
 *
 * Implementation notes
 * - JSON in and out, `credentials: 'same-origin'`: the session cookie is HttpOnly and travels by itself.
 * - CSRF double-submit: every mutating request carries `X-CSRF-Token` equal to the `facteur_csrf` cookie
 *   (readable by script by design). If the cookie is missing (first visit, cleared cookies), one GET of
 *   `/api/portal` is made first, since the server sets it on every response that lacks it.
 * - Every failure becomes an `ApiError` whose `.problem` is a `Problem`: server problem+json as sent,
 *   anything else (network down, timeout, an HTML 502 from a proxy) as a synthetic `client.*` code.
 * - `REQUEST_TIMEOUT_MS` bounds each request so the UI never waits forever on a hung connection.
 */
import { CSRF_COOKIE, CSRF_HEADER, type Problem } from '../../../common/api.js';

/** Past this the user is told the server is slow rather than left with a spinner. */
export const REQUEST_TIMEOUT_MS = 20_000;

/** Codes the client makes up for failures that carry no server problem. */
export const CLIENT_PROBLEM_CODES = {
  network: 'client.network',
  timeout: 'client.timeout',
  server: 'client.server',
} as const;

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(`${problem.code} (${problem.status}): ${problem.title}`);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Value of cookie `name` in a `document.cookie` string, or undefined. */
export function readCookie(cookieString: string, name: string): string | undefined {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      // Not percent-encoded by the server: the raw value is what it set.
      return raw;
    }
  }
  return undefined;
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** Returns the current `document.cookie`; injectable for tests. */
  readCookies?: () => string;
  timeoutMs?: number;
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.status === 'number';
}

function syntheticProblem(code: string, status: number, title: string): Problem {
  return { type: 'about:blank', title, status, code };
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const readCookies = options.readCookies ?? (() => document.cookie);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD') {
      let token = readCookie(readCookies(), CSRF_COOKIE);
      if (token === undefined) {
        await send('GET', '/api/portal');
        token = readCookie(readCookies(), CSRF_COOKIE);
      }
      if (token !== undefined) headers[CSRF_HEADER] = token;
    }
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new ApiError(syntheticProblem(CLIENT_PROBLEM_CODES.timeout, 0, 'Request timed out'));
      }
      throw new ApiError(syntheticProblem(CLIENT_PROBLEM_CODES.network, 0, String(error)));
    }
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(method, path, body);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    const isJson = /\bjson\b/i.test(type);
    let parsed: unknown;
    if (isJson) {
      try {
        parsed = await response.json();
      } catch (error) {
        throw new ApiError(
          syntheticProblem(CLIENT_PROBLEM_CODES.server, response.status, `Invalid JSON: ${error}`),
        );
      }
    }
    if (response.ok) {
      if (!isJson) {
        throw new ApiError(
          syntheticProblem(CLIENT_PROBLEM_CODES.server, response.status, `Unexpected ${type}`),
        );
      }
      return parsed as T;
    }
    if (isProblem(parsed)) throw new ApiError(parsed);
    const code = response.status >= 500 ? CLIENT_PROBLEM_CODES.server : `http.${response.status}`;
    throw new ApiError(syntheticProblem(code, response.status, response.statusText));
  }

  return {
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    delete: (path) => request('DELETE', path),
  };
}
