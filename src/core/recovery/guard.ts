/**
 * The checks every recovery request passes before any account is looked at: the client's rate
 * limit, the body, the captcha, the NUMEN's rate limit, in that order (cheapest first; the NUMEN is
 * counted only once the captcha is solved, so nobody can throttle someone else's NUMEN for free).
 *
 * Implementation notes
 * - None of these outcomes depends on whether an account matches, so they need no fixed duration.
 */
import { InputError, UserError } from '../../lib/errors/index.js';
import type { CoreContext } from '../context.js';
import { parseRecoveryRequest, type RecoveryRequest } from './input.js';
import { numenHashOf } from './matching.js';
import type { Recovery } from './settings.js';

/**
 * @throws UserError `recovery.throttled` (with `retryAfterSeconds`); InputError `request.invalid`,
 *   `recovery.numen_invalid`, `recovery.birth_date_invalid`, `recovery.captcha_invalid`.
 */
export async function guardRecoveryRequest(
  ctx: CoreContext,
  recovery: Recovery,
  request: { client: string; body: unknown },
): Promise<RecoveryRequest> {
  throttled(ctx, recovery.limiter.takeClient(request.client), 'client');
  const input = parseRecoveryRequest(request.body);
  if (!(await recovery.captcha.verify(input.altcha))) {
    throw new InputError('recovery.captcha_invalid', 'the anti-robot check failed or expired: try again');
  }
  throttled(ctx, recovery.limiter.takeNumen(numenHashOf(ctx, input.numen)), 'numen');
  return input;
}

function throttled(ctx: CoreContext, retryAfterSeconds: number, by: 'client' | 'numen'): void {
  if (retryAfterSeconds === 0) return;
  ctx.log.info({ event: 'recovery.throttled', by }, 'recovery request throttled');
  throw new UserError('recovery.throttled', 'too many recovery requests: wait before trying again', {
    retryAfterSeconds,
  });
}
