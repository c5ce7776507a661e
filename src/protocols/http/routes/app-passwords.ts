/**
 * App passwords in the settings (see common/api.ts):
 * GET /api/app-passwords, POST /api/app-passwords, DELETE /api/app-passwords/:id.
 *
 * Implementation notes
 * - The web session only (cookie + CSRF header on POST and DELETE); a bearer token never reaches
 *   these routes, so an app password cannot make or revoke another.
 * - The secret is in the POST answer only, with `Cache-Control: no-store` like every API answer.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppPasswordInfo, AppPasswordList, CreatedAppPasswordInfo } from '../../../../common/api.js';
import {
  assertPasswordChanged,
  createAppPassword,
  listAppPasswords,
  MAX_APP_PASSWORD_NAME_LENGTH,
  MAX_APP_PASSWORDS,
  revokeAppPassword,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import type { AppPassword } from '../../../store/sql/index.js';
import { requireSession } from '../session-cookie.js';

const CreateBody = z.object({
  name: z.string().max(1024),
  currentPassword: z.string().min(1).max(4096),
});

export function presentAppPassword(row: AppPassword): AppPasswordInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    lastUsedProtocol: row.last_used_protocol,
  };
}

export function registerAppPasswordRoutes(app: FastifyInstance, ctx: CoreContext): void {
  const signedIn = async (request: Parameters<typeof requireSession>[1]) => {
    const { account } = await requireSession(ctx, request);
    assertPasswordChanged(account);
    return account;
  };

  app.get('/api/app-passwords', async (request) => {
    const account = await signedIn(request);
    const body: AppPasswordList = {
      appPasswords: (await listAppPasswords(ctx, account)).map(presentAppPassword),
      max: MAX_APP_PASSWORDS,
      maxNameLength: MAX_APP_PASSWORD_NAME_LENGTH,
    };
    return body;
  });

  app.post('/api/app-passwords', async (request, reply) => {
    const account = await signedIn(request);
    const parsed = CreateBody.safeParse(request.body);
    if (!parsed.success) throw new InputError('request.invalid', 'name and currentPassword are required');
    const created = await createAppPassword(ctx, account, parsed.data);
    const body: CreatedAppPasswordInfo = {
      appPassword: presentAppPassword(created.appPassword),
      password: created.password,
    };
    return reply.code(201).send(body);
  });

  app.delete('/api/app-passwords/:id', async (request, reply) => {
    const account = await signedIn(request);
    const { id } = request.params as { id: string };
    await revokeAppPassword(ctx, account, id);
    return reply.code(204).send();
  });
}
