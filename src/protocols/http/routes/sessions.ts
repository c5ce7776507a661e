/**
 * "Sessions actives" (see common/api.ts): GET /api/sessions, DELETE /api/sessions/:id,
 * POST /api/sessions/sign-out-others.
 *
 * Implementation notes
 * - Sessions are named by a digest of their id (core/auth/sessions.ts), never the id itself.
 * - Ending the current session from the list is signing out: the cookie is cleared too.
 */
import type { FastifyInstance } from 'fastify';
import type { SessionList } from '../../../../common/api.js';
import {
  assertPasswordChanged,
  closeSessionById,
  listSessions,
  signOutOtherSessions,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { UserError } from '../../../lib/errors/index.js';
import { clearSessionCookie, requireSession } from '../session-cookie.js';

export function registerSessionListRoutes(app: FastifyInstance, ctx: CoreContext): void {
  const signedIn = async (request: Parameters<typeof requireSession>[1]) => {
    const active = await requireSession(ctx, request);
    assertPasswordChanged(active.account);
    return active;
  };

  app.get('/api/sessions', async (request) => {
    const { account, session } = await signedIn(request);
    const body: SessionList = {
      sessions: (await listSessions(ctx, account.id, session.id)).map((s) => ({
        ...s,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
      })),
      idleTimeoutMs: ctx.auth.sessionIdleMs,
    };
    return body;
  });

  app.delete('/api/sessions/:id', async (request, reply) => {
    const { account, session } = await signedIn(request);
    const { id } = request.params as { id: string };
    const ended = await closeSessionById(ctx, account, id);
    if (!ended) throw new UserError('session.not_found', 'no such session');
    if (ended.id === session.id) clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.post('/api/sessions/sign-out-others', async (request) => {
    const { account, session } = await signedIn(request);
    return { closed: await signOutOtherSessions(ctx, account, session.id) };
  });
}
