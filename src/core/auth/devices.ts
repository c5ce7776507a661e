/**
 * Sign-ins from a new device: each browser carries a random device token (a long-lived cookie);
 * when an account signs in from a browser it has never used, and it has used another before, its
 * owner gets a notice in their Inbox ("Nouvelle connexion à votre messagerie").
 *
 * Implementation notes
 * - Only the token's SHA-256 is stored (store/sql/known-devices.ts). A cookie that is not a token
 *   of ours is replaced, not trusted.
 * - Every web sign-in is audited: `auth.signin`, or `session.new_device` for a new device.
 * - The very first sign-in of an account sends nothing: every device is new then, and a notice
 *   would only teach people to ignore the next one.
 * - The notice is a system notice (core/outbound/system-notice.ts): straight into the Inbox,
 *   whatever the quota, since a full mailbox is no reason to hide an intrusion; and to the recovery
 *   address on file too, since an intruder reading the mailbox could delete it there. It names the
 *   date, browser and address, in French then English, and what to do. Its failure never fails the
 *   sign-in: it is logged.
 */
import { describeUserAgent } from '../../lib/user-agent/index.js';
import { randomToken, sha256Hex } from '../../platform/crypto/index.js';
import { type Account, appendAudit, recordDevice } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { sendSystemNotice } from '../outbound/index.js';

/** Browsers keep a cookie 400 days at most. */
export const DEVICE_TOKEN_MAX_AGE_MS = 400 * 24 * 60 * 60_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SignInDevice {
  /** The device cookie the browser sent, if any. */
  token: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

/** The browser's device token: its cookie when it is one of ours, else a new one. */
export function deviceTokenFrom(cookie: string | undefined): string {
  return cookie !== undefined && TOKEN.test(cookie) ? cookie : randomToken(32);
}

/**
 * Records the device of a successful web sign-in, and tells the owner when it is a new one.
 * @returns the device token the browser must keep, and whether the device was new to the account.
 */
export async function recordSignInDevice(
  ctx: CoreContext,
  account: Account,
  device: SignInDevice,
): Promise<{ token: string; notified: boolean }> {
  const token = deviceTokenFrom(device.token);
  const now = ctx.clock.now();
  const seen = await recordDevice(ctx.db, account.id, sha256Hex(token), now);
  const { browser, os } = describeUserAgent(device.userAgent);
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: seen === 'new' ? 'session.new_device' : 'auth.signin',
    target: account.identifier,
    details: { ip: device.ip, browser, os },
  });
  if (seen !== 'new') return { token, notified: false };
  try {
    await deliverNotice(ctx, account, { at: now, ip: device.ip, browser, os });
    return { token, notified: true };
  } catch (error) {
    ctx.log.error(
      { event: 'auth.new_device_notice_failed', account: account.identifier, err: error },
      'notice not delivered',
    );
    return { token, notified: false };
  }
}

async function deliverNotice(
  ctx: CoreContext,
  account: Account,
  seen: { at: number; ip: string | null; browser: string | null; os: string | null },
): Promise<void> {
  const date = (locale: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'long' }).format(new Date(seen.at));
  const unknown = { fr: 'inconnu', en: 'unknown' };
  const device = (lang: 'fr' | 'en') =>
    seen.browser && seen.os
      ? `${seen.browser} ${lang === 'fr' ? 'sur' : 'on'} ${seen.os}`
      : (seen.browser ?? seen.os ?? unknown[lang]);
  const text = [
    `Bonjour ${account.first_name},`,
    '',
    'Quelqu’un vient de se connecter à votre messagerie depuis un appareil qui ne l’avait jamais fait :',
    '',
    `  Date : ${date('fr-FR')}`,
    `  Navigateur : ${device('fr')}`,
    `  Adresse IP : ${seen.ip ?? unknown.fr}`,
    '',
    'Si c’est vous, vous n’avez rien à faire.',
    'Sinon, changez tout de suite votre mot de passe : les autres sessions seront déconnectées et vos',
    'mots de passe d’application révoqués. La page « Sessions actives » de votre messagerie montre',
    'les appareils connectés. Personne ne vous demandera jamais votre mot de passe.',
    '',
    '-- ',
    '',
    `Hello ${account.first_name},`,
    '',
    'Someone just signed in to your mailbox from a device that had never done so:',
    '',
    `  Date: ${date('en-GB')}`,
    `  Browser: ${device('en')}`,
    `  IP address: ${seen.ip ?? unknown.en}`,
    '',
    'If it was you, there is nothing to do. Otherwise, change your password now: your other sessions',
    'will be signed out and your app passwords revoked. The page "Active sessions" lists the signed-in',
    'devices. Nobody will ever ask you for your password.',
    '',
  ].join('\n');
  const subject = 'Nouvelle connexion à votre messagerie / New sign-in to your mailbox';
  await sendSystemNotice(ctx, { account, to: account.address, subject, text });
  // Told to the recovery address as well: whoever took the password may be reading the mailbox, and
  // could delete the notice there before its owner sees it.
  const recovery = account.recovery_email?.trim().toLowerCase();
  if (recovery && recovery !== account.address) {
    await sendSystemNotice(ctx, { account, to: recovery, subject, text }).catch((error: unknown) => {
      ctx.log.warn(
        { event: 'auth.new_device_notice_failed', account: account.identifier, to: 'recovery', err: error },
        'notice to the recovery address not sent',
      );
    });
  }
}
