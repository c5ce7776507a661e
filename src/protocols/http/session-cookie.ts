/**
 * The session cookie and the request decoration that resolves it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, resumeSession } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import { UserError } from '../../lib/errors/index.js';

export const SESSION_COOKIE = 'facteur_session';

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
  });
}

/** @throws UserError `auth.required` when there is no live session. */
export async function requireSession(ctx: CoreContext, request: FastifyRequest): Promise<ActiveSession> {
  const token = request.cookies[SESSION_COOKIE];
  const active = token ? await resumeSession(ctx, token) : undefined;
  if (!active) throw new UserError('auth.required', 'sign in first');
  return active;
}
