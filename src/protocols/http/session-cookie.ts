/**
 * The session cookie and the request decoration that resolves it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, DEVICE_TOKEN_MAX_AGE_MS, resumeSession } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import { UserError } from '../../lib/errors/index.js';

export const SESSION_COOKIE = 'facteur_session';
/** The browser's device token (core/auth/devices.ts): not a credential, kept across sessions. */
export const DEVICE_COOKIE = 'facteur_device';

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(DEVICE_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: Math.floor(DEVICE_TOKEN_MAX_AGE_MS / 1000),
  });
}

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
