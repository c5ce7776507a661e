/**
 * "Sessions actives" (see common/api.ts): GET /api/sessions, DELETE /api/sessions/:id,
 * POST /api/sessions/sign-out-others.
 *
 * Implementation notes
 * - Sessions are named by a digest of their id (core/auth/sessions.ts), never the id itself.
 * - Ending the current session from the list is signing out: the cookie is cleared too.
 * - The place of each address is worked out here, at each listing, from the configured network
 *   names: renaming a network renames it in every list at once, and nothing more is stored.
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
import { type NamedNetwork, placeOf } from '../../../lib/ip-place/index.js';
import { clearSessionCookie, requireSession } from '../session-cookie.js';

export function registerSessionListRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  networkNames: readonly NamedNetwork[],
): void {
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
        place: placeOf(s.ip, networkNames),
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
