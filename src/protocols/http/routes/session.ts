/**
 * Sign in, who am I, sign out: /api/session (see common/api.ts). A sign-in also records the browser's
 * device token (core/auth/devices.ts), so that a new device is told to the account's owner.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type ClientThrottle,
  closeSession,
  openSession,
  recordSignInDevice,
  verifySignIn,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import {
  clearSessionCookie,
  DEVICE_COOKIE,
  requireSession,
  SESSION_COOKIE,
  setDeviceCookie,
  setSessionCookie,
} from '../session-cookie.js';
import { presentSession } from './present.js';

const SignInBody = z.object({
  login: z.string().min(1).max(320),
  password: z.string().min(1).max(4096),
});

export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  throttle: ClientThrottle,
): void {
  app.get('/api/session', async (request) => {
    const active = await requireSession(ctx, request);
    return presentSession(ctx, active.account);
  });

  app.post('/api/session', async (request, reply) => {
    const parsed = SignInBody.safeParse(request.body);
    if (!parsed.success) throw new InputError('request.invalid', 'login and password are required');
    const account = await verifySignIn(ctx, throttle, { ...parsed.data, client: request.ip });
    const userAgent = request.headers['user-agent'] ?? null;
    const { token } = await openSession(ctx, account, { ip: request.ip, userAgent });
    setSessionCookie(request, reply, token, ctx.auth.sessionMaxMs);
    const device = await recordSignInDevice(ctx, account, {
      token: request.cookies[DEVICE_COOKIE],
      ip: request.ip,
      userAgent,
    });
    setDeviceCookie(request, reply, device.token);
    return presentSession(ctx, account);
  });

  app.delete('/api/session', async (request, reply) => {
    if (request.cookies[SESSION_COOKIE]) {
      const active = await requireSession(ctx, request).catch(() => undefined);
      if (active) {
        await closeSession(ctx, active);
        ctx.log.info({ event: 'auth.signout', account: active.account.identifier }, 'signed out');
      }
    }
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
}
