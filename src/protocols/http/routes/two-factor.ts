/**
 * Two-step sign-in in the settings (see common/api.ts): /api/two-factor.
 *
 * Implementation notes
 * - The web session only, and the account password again for every change (core/auth/two-factor-settings.ts).
 * - TOTP enrolment from the settings is the same as at a forced enrolment (session.ts): start gives
 *   the secret and its QR code, confirm with a first code gives the recovery codes, shown once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RecoveryCodes, TwoFactorStatus } from '../../../../common/api.js';
import {
  assertPasswordChanged,
  confirmTotpEnrolment,
  forgetDevices,
  renewRecoveryCodes,
  startTotpFromSettings,
  turnTotpOff,
  twoFactorState,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import type { Account } from '../../../store/sql/index.js';
import { requireSession } from '../session-cookie.js';
import { presentTotpSetup } from './session.js';

const PasswordBody = z.object({ currentPassword: z.string().min(1).max(4096) });
const CodeBody = z.object({ code: z.string().min(1).max(64) });

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InputError('request.invalid', `${what} is required`);
  return parsed.data;
}

export function registerTwoFactorRoutes(app: FastifyInstance, ctx: CoreContext, totpIssuer: string): void {
  const signedIn = async (request: FastifyRequest): Promise<Account> => {
    const { account } = await requireSession(ctx, request);
    assertPasswordChanged(account);
    return account;
  };
  const status = async (account: Account): Promise<TwoFactorStatus> => twoFactorState(ctx, account);

  app.get('/api/two-factor', async (request) => status(await signedIn(request)));

  app.post('/api/two-factor/totp', async (request) => {
    const account = await signedIn(request);
    const { currentPassword } = parse(PasswordBody, request.body, 'the current password');
    return presentTotpSetup(await startTotpFromSettings(ctx, account, currentPassword, totpIssuer));
  });

  app.post('/api/two-factor/totp/confirm', async (request) => {
    const account = await signedIn(request);
    const { code } = parse(CodeBody, request.body, 'the code');
    return { recoveryCodes: await confirmTotpEnrolment(ctx, account, code) } satisfies RecoveryCodes;
  });

  app.post('/api/two-factor/totp/disable', async (request) => {
    const account = await signedIn(request);
    const { currentPassword } = parse(PasswordBody, request.body, 'the current password');
    await turnTotpOff(ctx, account, currentPassword);
    return status(account);
  });

  app.post('/api/two-factor/recovery-codes', async (request) => {
    const account = await signedIn(request);
    const { currentPassword } = parse(PasswordBody, request.body, 'the current password');
    return { recoveryCodes: await renewRecoveryCodes(ctx, account, currentPassword) } satisfies RecoveryCodes;
  });

  app.post('/api/two-factor/forget-devices', async (request) => {
    const account = await signedIn(request);
    await forgetDevices(ctx, account);
    return status(account);
  });
}
