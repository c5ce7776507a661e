/**
 * The mail that carries a password-reset link to the account's recovery address.
 *
 * Implementation notes
 * - French then English in one plain-text part, as the new-device notice (core/auth/devices.ts):
 *   the recovery address is often a personal one, read by someone who may prefer either.
 * - From `no-reply@<the account's domain>`, `Auto-Submitted: auto-generated` (RFC 3834) so that
 *   auto-responders stay silent, DKIM-signed by that domain; envelope sender null (`<>`), so that
 *   nothing bounces back to a no-reply address.
 * - A recovery address of one of our domains is delivered to that Inbox at once (quota ignored, as
 *   the notice: a full mailbox is no reason to lose a reset link); any other goes through the
 *   outbound queue, like any mail, with its retries.
 * - The token travels in the link's fragment (`#…`): browsers never send a fragment to a server,
 *   so it reaches neither access logs nor a Referer.
 */
import { randomUUID } from 'node:crypto';
import { composeMessage } from '../../lib/mime/index.js';
import { type Account, findDomainByName } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../mail/index.js';
import { enqueueMessage, signWithDomainKey } from '../outbound/index.js';
import { RESET_LINK_TTL_MS, RESET_PAGE_PATH } from './settings.js';

const NOTICE_QUOTA_BYTES = Number.MAX_SAFE_INTEGER;

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${RESET_PAGE_PATH}#${token}`;
}

export async function sendResetMail(
  ctx: CoreContext,
  account: Account,
  recoveryAddress: string,
  link: string,
): Promise<'local' | 'remote'> {
  const domain = account.address.slice(account.address.lastIndexOf('@') + 1);
  const minutes = RESET_LINK_TTL_MS / 60_000;
  const text = [
    `Bonjour ${account.first_name},`,
    '',
    `Une réinitialisation du mot de passe du compte ${account.identifier} (${account.address}) a été demandée.`,
    `Pour choisir un nouveau mot de passe, ouvrez ce lien dans les ${minutes} minutes :`,
    '',
    link,
    '',
    'Le lien ne sert qu’une fois. Une fois le mot de passe changé, toutes les sessions ouvertes sont',
    'déconnectées et les mots de passe d’application révoqués.',
    'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.',
    'Personne ne vous demandera jamais ce lien ni votre mot de passe.',
    '',
    '-- ',
    '',
    `Hello ${account.first_name},`,
    '',
    `Someone asked to reset the password of the account ${account.identifier} (${account.address}).`,
    `To choose a new password, open this link within ${minutes} minutes:`,
    '',
    link,
    '',
    'The link works once. Once the password is changed, every open session is signed out and app',
    'passwords are revoked. If you did not ask for this, ignore this message: your password stays',
    'the same. Nobody will ever ask you for this link or your password.',
    '',
  ].join('\n');
  const raw = await composeMessage({
    from: [{ name: 'Facteur', address: `no-reply@${domain}` }],
    to: [{ name: `${account.first_name} ${account.last_name}`.trim(), address: recoveryAddress }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'Réinitialisation de votre mot de passe / Password reset',
    messageId: `${randomUUID()}@${domain}`,
    date: new Date(ctx.clock.now()),
    inReplyTo: [],
    references: [],
    text,
    html: null,
    attachments: [],
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  const signed = await signWithDomainKey(ctx, raw, domain);
  const recipientDomain = recoveryAddress.slice(recoveryAddress.lastIndexOf('@') + 1).toLowerCase();
  if (await findDomainByName(ctx.db, recipientDomain)) {
    const local = await findRecipient(ctx, recoveryAddress);
    if (local?.account.status !== 'active')
      throw new Error('the recovery address is no active local mailbox');
    const body = await storeMessageBody(ctx, signed);
    await deliverToAccount(
      ctx,
      body,
      { account: local.account, quotaBytes: NOTICE_QUOTA_BYTES },
      { receivedAt: ctx.clock.now() },
    );
    return 'local';
  }
  await enqueueMessage(ctx, {
    mailFrom: '',
    recipients: [recoveryAddress],
    raw: signed,
    accountId: account.id,
  });
  return 'remote';
}
