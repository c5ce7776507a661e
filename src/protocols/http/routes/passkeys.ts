/**
 * Passkeys in the settings (see common/api.ts): GET /api/passkeys,
 * POST /api/passkeys/registration-options, POST /api/passkeys, DELETE /api/passkeys/:id.
 *
 * Implementation notes
 * - The web session only (cookie + CSRF header on POST and DELETE), like app passwords.
 * - Asking for the options asks for the account password again (core/auth/current-password.ts):
 *   a passkey is a lasting credential. The options carry a challenge the server keeps (one pending
 *   registration per account, 5 minutes); POST /api/passkeys spends it.
 * - The relying party is the request's own site (relying-party.ts), the same for the options and
 *   the answer, and for the sign-in's second step.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PasskeyInfo, PasskeyList, PasskeyRegistrationOptions } from '../../../../common/api.js';
import {
  assertCurrentPassword,
  assertPasswordChanged,
  finishPasskeyRegistration,
  listPasskeys,
  MAX_PASSKEY_NAME_LENGTH,
  MAX_PASSKEYS,
  removePasskey,
  startPasskeyRegistration,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import type { Passkey } from '../../../store/sql/index.js';
import { relyingPartyFor } from '../relying-party.js';
import { requireSession } from '../session-cookie.js';

const OptionsBody = z.object({ currentPassword: z.string().min(1).max(4096) });
const CreateBody = z.object({ name: z.string().max(1024), response: z.unknown() });

export function presentPasskey(row: Passkey): PasskeyInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    synced: row.device_type === 'multiDevice',
  };
}

export function registerPasskeyRoutes(app: FastifyInstance, ctx: CoreContext, institutionName: string): void {
  const signedIn = async (request: FastifyRequest) => {
    const { account } = await requireSession(ctx, request);
    assertPasswordChanged(account);
    return account;
  };

  app.get('/api/passkeys', async (request) => {
    const account = await signedIn(request);
    const body: PasskeyList = {
      passkeys: (await listPasskeys(ctx, account)).map(presentPasskey),
      max: MAX_PASSKEYS,
      maxNameLength: MAX_PASSKEY_NAME_LENGTH,
    };
    return body;
  });

  app.post('/api/passkeys/registration-options', async (request) => {
    const account = await signedIn(request);
    const parsed = OptionsBody.safeParse(request.body);
    if (!parsed.success) throw new InputError('request.invalid', 'currentPassword is required');
    await assertCurrentPassword(ctx, account, parsed.data.currentPassword);
    const body: PasskeyRegistrationOptions = {
      options: await startPasskeyRegistration(ctx, account, relyingPartyFor(request, institutionName)),
    };
    return body;
  });

  app.post('/api/passkeys', async (request, reply) => {
    const account = await signedIn(request);
    const parsed = CreateBody.safeParse(request.body);
    if (!parsed.success || parsed.data.response === undefined) {
      throw new InputError('request.invalid', 'name and response are required');
    }
    const passkey = await finishPasskeyRegistration(
      ctx,
      account,
      relyingPartyFor(request, institutionName),
      parsed.data.name,
      parsed.data.response,
    );
    return reply.code(201).send(presentPasskey(passkey));
  });

  app.delete('/api/passkeys/:id', async (request, reply) => {
    const account = await signedIn(request);
    const { id } = request.params as { id: string };
    await removePasskey(ctx, account, id);
    return reply.code(204).send();
  });
}
