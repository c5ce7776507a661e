/**
 * Public portal information (with the current announcements) and health checks.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { PortalInfo } from '../../../../common/api.js';
import { currentAnnouncements } from '../../../core/announcements/index.js';
import type { CoreContext } from '../../../core/context.js';

export interface PortalSettings {
  institutionName: string;
  logoUrl: string | null;
  helpUrl: string | null;
  domain: string;
}

export function registerPortalRoutes(app: FastifyInstance, ctx: CoreContext, portal: PortalSettings): void {
  app.get(
    '/api/portal',
    async (): Promise<PortalInfo> => ({ ...portal, announcements: await currentAnnouncements(ctx) }),
  );

  /** Liveness: the process answers. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Readiness: the database answers too. */
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ok' };
    } catch (error) {
      ctx.log.error({ event: 'http.error', err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
