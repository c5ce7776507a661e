/**
 * "Connaître son identifiant": a NUMEN and a birth date that designate an active account show its
 * identifier and address.
 *
 * Implementation notes
 * - A full match shows the identifier: that is the page's purpose, and the captcha, the rate
 *   limits and the birth date (which an attacker must know as well as the NUMEN) are what protect
 *   it. Every other outcome (unknown NUMEN, wrong birth date, disabled account) is the same
 *   UserError `recovery.no_match`, after the same fixed duration as a match.
 * - Audited (`account.identifier_recovered`, with the client's address) for the helpdesk.
 */
import { UserError } from '../../lib/errors/index.js';
import { appendAudit } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { type Started, withFixedDuration } from './fixed-duration.js';
import { guardRecoveryRequest } from './guard.js';
import { findMatchingAccounts } from './matching.js';
import type { Recovery } from './settings.js';

export interface RecoveredIdentifier {
  identifier: string;
  address: string;
}

/** @throws UserError `recovery.no_match`, and whatever guard.ts throws. */
export async function recoverIdentifier(
  ctx: CoreContext,
  recovery: Recovery,
  request: { client: string; body: unknown; started: Started },
): Promise<RecoveredIdentifier[]> {
  const input = await guardRecoveryRequest(ctx, recovery, request);
  return withFixedDuration(request.started, recovery.settings.minResponseMs, ctx.log, async () => {
    const accounts = await findMatchingAccounts(ctx, input.numen, input.birthDate);
    const now = ctx.clock.now();
    for (const account of accounts) {
      await appendAudit(ctx.db, {
        at: now,
        actor: account.id,
        action: 'account.identifier_recovered',
        target: account.identifier,
        details: { ip: request.client },
      });
    }
    if (accounts.length === 0) {
      throw new UserError('recovery.no_match', 'no active account has this NUMEN and birth date');
    }
    ctx.log.info({ event: 'recovery.identifier_shown', accounts: accounts.length }, 'identifier recovered');
    return accounts.map((a) => ({ identifier: a.identifier, address: a.address }));
  });
}
