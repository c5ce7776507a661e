/**
 * Self-service recovery, public: /api/recovery/* (see common/api.ts). The rules (captcha, rate
 * limits, fixed-duration answers, single-use links) are core/recovery's; this adapter only reads
 * the client address and the body and writes the answers.
 *
 * Implementation notes
 * - The timer starts when the handler starts, before anything that depends on the request.
 * - The reset request's 202 body is one constant object: nothing in it can differ by account.
 */
import type { FastifyInstance } from 'fastify';
import type {
  CaptchaChallenge,
  RecoveredIdentifiers,
  ResetRequested,
  ResetTokenInfo,
} from '../../../../common/api.js';
import type { CoreContext } from '../../../core/context.js';
import {
  accountOfResetToken,
  completePasswordReset,
  parseNewPasswordBody,
  parseTokenBody,
  type Recovery,
  recoverIdentifier,
  requestPasswordReset,
  startTimer,
} from '../../../core/recovery/index.js';

const ACCEPTED: ResetRequested = Object.freeze({ status: 'accepted' });

export function registerRecoveryRoutes(app: FastifyInstance, ctx: CoreContext, recovery: Recovery): void {
  app.get('/api/recovery/challenge', async (): Promise<CaptchaChallenge> => recovery.captcha.challenge());

  app.post('/api/recovery/identifier', async (request): Promise<RecoveredIdentifiers> => {
    const started = startTimer();
    const accounts = await recoverIdentifier(ctx, recovery, {
      client: request.ip,
      body: request.body,
      started,
    });
    return { accounts };
  });

  app.post('/api/recovery/password-reset', async (request, reply) => {
    const started = startTimer();
    await requestPasswordReset(ctx, recovery, { client: request.ip, body: request.body, started });
    return reply.code(202).send(ACCEPTED);
  });

  app.post('/api/recovery/reset-token', async (request): Promise<ResetTokenInfo> => {
    const account = await accountOfResetToken(ctx, parseTokenBody(request.body));
    return {
      identifier: account.identifier,
      address: account.address,
      firstName: account.first_name,
      lastName: account.last_name,
      birthDateKnown: account.birth_date_hash !== null,
    };
  });

  app.post('/api/recovery/new-password', async (request, reply) => {
    const input = parseNewPasswordBody(request.body);
    await completePasswordReset(ctx, { ...input, client: request.ip });
    return reply.code(204).send();
  });
}
