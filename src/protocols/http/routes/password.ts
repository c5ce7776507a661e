/**
 * Password change: POST /api/password (see common/api.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changePassword } from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import { requireSession } from '../session-cookie.js';
import { presentSession } from './present.js';

const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(4096),
  newPassword: z.string().min(1).max(4096),
});

export function registerPasswordRoutes(app: FastifyInstance, ctx: CoreContext): void {
  app.post('/api/password', async (request) => {
    const active = await requireSession(ctx, request);
    const parsed = ChangePasswordBody.safeParse(request.body);
    if (!parsed.success)
      throw new InputError('request.invalid', 'currentPassword and newPassword are required');
    const account = await changePassword(ctx, active.account, {
      ...parsed.data,
      keepSessionId: active.session.id,
    });
    return presentSession(ctx, account);
  });
}
