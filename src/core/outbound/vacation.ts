/**
 * Vacation auto-replies (RFC 3834, JMAP VacationResponse RFC 8621 §8): the account's settings, and
 * the replies sent after a message is delivered to it.
 *
 * Implementation notes
 * - Called after the incoming message is committed and never awaited by the delivery: a reply
 *   cannot delay or fail it. `sendVacationReplies` never throws; failures are logged (event, account
 *   identifier, error — never the message or its addresses) and dropped.
 * - Whether to reply is vacation-rules.ts; at most one reply per sender per VACATION_PERIOD_MS
 *   (7 days, RFC 5230's `:days` default) is claimed in the store before sending, atomically.
 *   Changing the vacation forgets who got a reply: a new message is a new handle (RFC 5230 §4.2).
 * - The reply (RFC 3834 §3): to the return path; From the account's primary address; subject the
 *   vacation's, else "Auto: " and the original's; In-Reply-To and References name the original;
 *   `Auto-Submitted: auto-replied` and `X-Auto-Response-Suppress: All` so that other responders stay
 *   silent; DKIM-signed by our domain; envelope sender null (`<>`), so that nothing can answer it
 *   or bounce it back (no loop). Local recipients get it in their Inbox (their quota applies),
 *   remote ones through the outbound queue, like a submission.
 * - Settings changes move the account state (the JMAP state is the account modseq) and are
 *   published like any change.
 */
import { randomUUID } from 'node:crypto';
import { InputError, UserError } from '../../lib/errors/index.js';
import { composeMessage, getMessageHeaders, type ParsedMessage } from '../../lib/mime/index.js';
import {
  type Account,
  claimVacationReply,
  findDomainByName,
  findVacationResponse,
  forgetVacationReplies,
  listAliases,
  nextModseq,
  purgeVacationReplies,
  saveVacationResponse,
  type VacationResponse,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../mail/index.js';
import { signWithDomainKey } from './dkim-sign.js';
import { enqueueMessage } from './enqueue.js';
import { type NoReplyReason, vacationDecision } from './vacation-rules.js';

/** One reply per sender per period (RFC 3834 §2 suggests days, RFC 5230 `:days` defaults to 7). */
export const VACATION_PERIOD_MS = 7 * 24 * 60 * 60_000;
/** Longest subject and bodies kept: a vacation message, not a newsletter. */
export const MAX_VACATION_SUBJECT_CHARS = 998;
export const MAX_VACATION_BODY_CHARS = 64 * 1024;
const DEFAULT_TEXT =
  'Je suis absent(e) et lirai votre message à mon retour.\r\n\r\nI am away and will read your message when I return.\r\n';

export interface VacationSettings {
  isEnabled: boolean;
  fromDate: number | null;
  toDate: number | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

export const VACATION_DISABLED: VacationSettings = {
  isEnabled: false,
  fromDate: null,
  toDate: null,
  subject: null,
  textBody: null,
  htmlBody: null,
};

function settingsOf(row: VacationResponse | undefined): VacationSettings {
  if (!row) return VACATION_DISABLED;
  return {
    isEnabled: row.is_enabled === 1,
    fromDate: row.from_date,
    toDate: row.to_date,
    subject: row.subject,
    textBody: row.text_body,
    htmlBody: row.html_body,
  };
}

export async function getVacation(ctx: CoreContext, accountId: string): Promise<VacationSettings> {
  return settingsOf(await findVacationResponse(ctx.db, accountId));
}

/**
 * Changes the account's vacation response.
 * @throws InputError `vacation.too_long` (subject or body over the bounds)
 */
export async function updateVacation(
  ctx: CoreContext,
  accountId: string,
  change: Partial<VacationSettings>,
): Promise<VacationSettings> {
  if ((change.subject?.length ?? 0) > MAX_VACATION_SUBJECT_CHARS) {
    throw new InputError(
      'vacation.too_long',
      `a subject has at most ${MAX_VACATION_SUBJECT_CHARS} characters`,
    );
  }
  for (const body of [change.textBody, change.htmlBody]) {
    if ((body?.length ?? 0) > MAX_VACATION_BODY_CHARS) {
      throw new InputError('vacation.too_long', `a body has at most ${MAX_VACATION_BODY_CHARS} characters`);
    }
  }
  const { settings, modseq } = await ctx.db.transaction().execute(async (trx) => {
    const settings = { ...settingsOf(await findVacationResponse(trx, accountId)), ...change };
    await saveVacationResponse(trx, {
      account_id: accountId,
      is_enabled: settings.isEnabled ? 1 : 0,
      from_date: settings.fromDate,
      to_date: settings.toDate,
      subject: settings.subject,
      text_body: settings.textBody,
      html_body: settings.htmlBody,
      updated_at: ctx.clock.now(),
    });
    await forgetVacationReplies(trx, accountId);
    return { settings, modseq: await nextModseq(trx, accountId) };
  });
  ctx.changes.publish({ accountId, mailboxIds: [], modseq });
  return settings;
}

export interface DeliveredMessage {
  /** The message as stored, and parsed. */
  raw: Buffer;
  parsed: ParsedMessage;
  /** Its envelope sender, `''` for `<>`. */
  mailFrom: string;
  /** The accounts it was delivered to. */
  accounts: readonly Account[];
  /** Filed as junk (a spam verdict), when the delivery path has one. */
  junk?: boolean;
}

export type VacationOutcome =
  | { accountId: string; sent: 'local' | 'remote' }
  | { accountId: string; sent: false; reason: NoReplyReason | 'already_replied' | 'failed' };

/** Sends the auto-replies `message` calls for, one account at a time. Never throws. */
export async function sendVacationReplies(
  ctx: CoreContext,
  message: DeliveredMessage,
): Promise<VacationOutcome[]> {
  const outcomes: VacationOutcome[] = [];
  for (const account of message.accounts) {
    try {
      outcomes.push(await replyFor(ctx, account, message));
    } catch (err) {
      ctx.log.error(
        { event: 'vacation.reply_failed', account: account.identifier, err },
        'vacation auto-reply failed',
      );
      outcomes.push({ accountId: account.id, sent: false, reason: 'failed' });
    }
  }
  return outcomes;
}

async function replyFor(
  ctx: CoreContext,
  account: Account,
  message: DeliveredMessage,
): Promise<VacationOutcome> {
  const row = await findVacationResponse(ctx.db, account.id);
  // Most accounts never set a vacation: one indexed read and done, silently.
  if (!row) return { accountId: account.id, sent: false, reason: 'disabled' };
  const vacation = settingsOf(row);
  if (!vacation.isEnabled) return skipped(ctx, account, 'disabled');
  const now = ctx.clock.now();
  const decision = vacationDecision(
    vacation,
    now,
    {
      mailFrom: message.mailFrom,
      headers: getMessageHeaders(message.raw),
      from: message.parsed.from,
      to: message.parsed.to,
      cc: message.parsed.cc,
      ...(message.junk === undefined ? {} : { junk: message.junk }),
    },
    await addressesOf(ctx, account),
  );
  if (!decision.reply) return skipped(ctx, account, decision.reason);
  const recipient = message.mailFrom.trim();
  await purgeVacationReplies(ctx.db, account.id, now, VACATION_PERIOD_MS);
  if (!(await claimVacationReply(ctx.db, account.id, recipient, now, VACATION_PERIOD_MS))) {
    return skipped(ctx, account, 'already_replied');
  }
  const raw = await buildReply(ctx, account, vacation, message.parsed, recipient);
  const sent = await route(ctx, account, recipient, raw);
  ctx.log.info(
    { event: 'vacation.reply_sent', account: account.identifier, route: sent },
    'vacation auto-reply sent',
  );
  return { accountId: account.id, sent };
}

/** A vacation, set but silent for this message, says why (debug: one line per delivery). */
function skipped(
  ctx: CoreContext,
  account: Account,
  reason: NoReplyReason | 'already_replied',
): VacationOutcome {
  ctx.log.debug(
    { event: 'vacation.reply_skipped', account: account.identifier, reason },
    'no vacation auto-reply',
  );
  return { accountId: account.id, sent: false, reason };
}

/** The account's addresses, lower case (as submit.ts's ownedAddresses, which imports this module). */
async function addressesOf(ctx: CoreContext, account: Account): Promise<Set<string>> {
  const aliases = await listAliases(ctx.db, account.id);
  return new Set([account.address.toLowerCase(), ...aliases.map((a) => a.address.toLowerCase())]);
}

async function buildReply(
  ctx: CoreContext,
  account: Account,
  vacation: VacationSettings,
  original: ParsedMessage,
  recipient: string,
): Promise<Buffer> {
  const domain = account.address.slice(account.address.lastIndexOf('@') + 1);
  const originalId = original.messageId;
  const raw = await composeMessage({
    from: [{ name: `${account.first_name} ${account.last_name}`.trim(), address: account.address }],
    to: [{ name: '', address: recipient }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: vacation.subject ?? `Auto: ${original.subject}`.trim(),
    messageId: `${randomUUID()}@${domain}`,
    date: new Date(ctx.clock.now()),
    inReplyTo: originalId ? [originalId] : [],
    references: originalId ? [...original.references, originalId] : [],
    text: vacation.textBody ?? (vacation.htmlBody === null ? DEFAULT_TEXT : null),
    html: vacation.htmlBody,
    attachments: [],
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
  return signWithDomainKey(ctx, raw, domain);
}

/** Delivers the reply: a local account's Inbox, or the outbound queue with a null sender. */
async function route(
  ctx: CoreContext,
  account: Account,
  recipient: string,
  raw: Buffer,
): Promise<'local' | 'remote'> {
  const domain = recipient.slice(recipient.lastIndexOf('@') + 1).toLowerCase();
  if (await findDomainByName(ctx.db, domain)) {
    const local = await findRecipient(ctx, recipient);
    if (local?.account.status !== 'active') {
      throw new UserError('mail.unknown_recipient', 'the sender is no local account');
    }
    await deliverToAccount(ctx, await storeMessageBody(ctx, raw), local, { receivedAt: ctx.clock.now() });
    return 'local';
  }
  await enqueueMessage(ctx, { mailFrom: '', recipients: [recipient], raw, accountId: account.id });
  return 'remote';
}
