/**
 * The mail that carries a password-reset link to the account's recovery address.
 *
 * Implementation notes
 * - French then English in one plain-text part, as the new-device notice (core/auth/devices.ts):
 *   the recovery address is often a personal one, read by someone who may prefer either.
 * - Sent as every system notice (core/outbound/system-notice.ts): from no-reply, DKIM-signed, to
 *   the Inbox at once when the recovery address is one of ours, else through the outbound queue.
 * - The token travels in the link's fragment (`#…`): browsers never send a fragment to a server,
 *   so it reaches neither access logs nor a Referer.
 */
import type { Account } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { sendSystemNotice } from '../outbound/index.js';
import { RESET_LINK_TTL_MS, RESET_PAGE_PATH } from './settings.js';

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${RESET_PAGE_PATH}#${token}`;
}

export async function sendResetMail(
  ctx: CoreContext,
  account: Account,
  recoveryAddress: string,
  link: string,
): Promise<'local' | 'remote'> {
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
  return sendSystemNotice(ctx, {
    account,
    to: recoveryAddress,
    subject: 'Réinitialisation de votre mot de passe / Password reset',
    text,
  });
}
