/**
 * Who a JMAP request is from: the web session (the webmail) or a bearer token (any other client).
 *
 * Implementation notes
 * - A request with an `Authorization` header is judged by it alone, never by a cookie that came
 *   with it; only `Bearer` is accepted, with an app password as the token (core/auth/app-passwords.ts).
 *   Basic is refused on purpose: a browser that once cached Basic credentials for our origin would
 *   send them on a cross-site form post, and the account password would travel with every request.
 * - Bearer requests skip the CSRF header (csrf.ts): a browser never adds a bearer token by itself,
 *   and a cross-origin page cannot set the header without a CORS preflight we never grant.
 * - Failures count against the client address, as password failures do.
 */
import type { FastifyRequest } from 'fastify';
import { assertPasswordChanged, authenticateBearer, type ClientThrottle } from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { UserError } from '../../../lib/errors/index.js';
import type { Account } from '../../../store/sql/index.js';
import { requireSession } from '../session-cookie.js';

/** The challenge of a 401 from /jmap/ (RFC 6750 §3). */
export const JMAP_CHALLENGE = 'Bearer realm="Facteur"';

/** The bearer token of the request; null without an Authorization header. @throws UserError for another scheme. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match) throw new UserError('auth.invalid', 'use Authorization: Bearer <app password>');
  return match[1] as string;
}

export function createJmapAuthenticator(
  ctx: CoreContext,
  throttle: ClientThrottle,
): (request: FastifyRequest) => Promise<Account> {
  return async (request) => {
    const token = bearerToken(request);
    if (token !== null) return authenticateBearer(ctx, throttle, token, request.ip);
    const { account } = await requireSession(ctx, request);
    assertPasswordChanged(account);
    return account;
  };
}
