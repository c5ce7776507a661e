/**
 * "Réinitialiser son mot de passe", first half: a NUMEN and a birth date that designate an active
 * account with a recovery address send a single-use link, valid RESET_LINK_TTL_MS, to that address.
 *
 * Implementation notes
 * - No enumeration: the caller gets nothing back, whether an account matched or not, has a
 *   recovery address or not; a token is drawn and hashed on every path, and the whole answer takes
 *   the fixed duration (fixed-duration.ts). The mail is composed and delivered after the answer,
 *   never awaited by it (its failure is logged, and would otherwise show in the timing).
 * - Only the token's SHA-256 is stored; a new request voids the account's earlier links.
 * - Audited `password.reset_requested` (with whether a mail went and the client's address).
 */
import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '../../platform/crypto/index.js';
import { type Account, appendAudit, replacePasswordReset } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { type Started, withFixedDuration } from './fixed-duration.js';
import { guardRecoveryRequest } from './guard.js';
import { findMatchingAccounts } from './matching.js';
import { resetLink, sendResetMail } from './reset-mail.js';
import { RESET_LINK_TTL_MS, type Recovery } from './settings.js';

/** Resolves (after the fixed duration) once the request is handled; throws only what guard.ts throws. */
export async function requestPasswordReset(
  ctx: CoreContext,
  recovery: Recovery,
  request: { client: string; body: unknown; started: Started },
): Promise<void> {
  const input = await guardRecoveryRequest(ctx, recovery, request);
  await withFixedDuration(request.started, recovery.settings.minResponseMs, ctx.log, async () => {
    const accounts = await findMatchingAccounts(ctx, input.numen, input.birthDate);
    // Drawn on every path, used only for a match.
    let token = randomToken(32);
    let tokenHash = sha256Hex(token);
    for (const account of accounts) {
      await issueLink(ctx, recovery, account, token, tokenHash, request.client);
      token = randomToken(32);
      tokenHash = sha256Hex(token);
    }
  });
}

async function issueLink(
  ctx: CoreContext,
  recovery: Recovery,
  account: Account,
  token: string,
  tokenHash: string,
  client: string,
): Promise<void> {
  const now = ctx.clock.now();
  const recoveryAddress = account.recovery_email;
  if (recoveryAddress !== null) {
    await replacePasswordReset(ctx.db, {
      id: randomUUID(),
      account_id: account.id,
      token_hash: tokenHash,
      created_at: now,
      expires_at: now + RESET_LINK_TTL_MS,
      used_at: null,
    });
  }
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'password.reset_requested',
    target: account.identifier,
    details: { ip: client, mailed: recoveryAddress !== null },
  });
  ctx.log.info(
    { event: 'recovery.reset_requested', account: account.identifier, mailed: recoveryAddress !== null },
    'password reset requested',
  );
  if (recoveryAddress === null) return;
  const link = resetLink(recovery.settings.publicUrl, token);
  void sendResetMail(ctx, account, recoveryAddress, link).catch((error: unknown) => {
    ctx.log.error(
      { event: 'recovery.reset_mail_failed', account: account.identifier, err: error },
      'password reset mail not sent',
    );
  });
}
