/**
 * Mail submitted by an authenticated account (RFC 6409): sender policy, fixes, DKIM signing, then
 * local delivery at once and remote recipients through the outbound queue.
 *
 * Implementation notes
 * - An account may send only as itself: the envelope sender and every From address must be its
 *   primary address or one of its aliases (PRODUCT.md §3). Refused otherwise, before any storage.
 * - A profile without external sending (`external_sending_allowed = 0`, e.g. young pupils) may only
 *   write to local addresses.
 * - RFC 6409 §8: a missing Date or Message-ID is added by the submission server.
 * - DKIM (RFC 6376) signs with the key of the From domain when it is one of ours, relaxed/relaxed,
 *   after every header we add, so receivers verify what they get.
 * - Local recipients are delivered before the reply; remote ones are queued durably before it.
 *   Vacation auto-replies of local recipients follow, not awaited (vacation.ts).
 */
import { randomUUID } from 'node:crypto';
import { InputError, UserError } from '../../lib/errors/index.js';
import { parseMessage } from '../../lib/mime/index.js';
import { type Account, findDomainByName, findProfileById, listAliases } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, type Recipient, storeMessageBody } from '../mail/index.js';
import { signWithDomainKey } from './dkim-sign.js';
import { enqueueMessage } from './enqueue.js';
import { sendVacationReplies } from './vacation.js';

export async function ownedAddresses(ctx: CoreContext, account: Account): Promise<Set<string>> {
  const aliases = await listAliases(ctx.db, account.id);
  return new Set([account.address.toLowerCase(), ...aliases.map((a) => a.address.toLowerCase())]);
}

/** @throws UserError `mail.sender_not_owned` */
export async function assertSenderAllowed(
  ctx: CoreContext,
  account: Account,
  address: string,
): Promise<void> {
  if (!(await ownedAddresses(ctx, account)).has(address.trim().toLowerCase())) {
    throw new UserError('mail.sender_not_owned', `you may not send as <${address}>`);
  }
}

export type RecipientRoute = { kind: 'local'; recipient: Recipient } | { kind: 'remote'; address: string };

/**
 * Where a recipient of `account`'s message goes.
 * @throws UserError `mail.unknown_recipient` (our domain, no such account), `mail.external_forbidden`
 */
export async function routeRecipient(
  ctx: CoreContext,
  account: Account,
  address: string,
): Promise<RecipientRoute> {
  const normalised = address.trim().toLowerCase();
  const domain = normalised.slice(normalised.lastIndexOf('@') + 1);
  if (await findDomainByName(ctx.db, domain)) {
    const recipient = await findRecipient(ctx, normalised);
    if (recipient?.account.status !== 'active') {
      throw new UserError('mail.unknown_recipient', `mailbox <${address}> does not exist`);
    }
    return { kind: 'local', recipient };
  }
  const profile = await findProfileById(ctx.db, account.profile_id);
  if (!profile?.external_sending_allowed) {
    throw new UserError(
      'mail.external_forbidden',
      'your profile may only send to addresses of the institution',
    );
  }
  return { kind: 'remote', address: normalised };
}

export interface Submission {
  account: Account;
  mailFrom: string;
  routes: RecipientRoute[];
  /** The message as received, with the adapter's trace header already prepended. */
  raw: Buffer;
}

export interface SubmissionResult {
  messageId: string;
  delivered: number;
  queued: number;
  queueId: string | null;
}

/** @throws UserError `mail.sender_not_owned`, `mail.from_not_owned`; InputError `mail.no_from` */
export async function submitMessage(ctx: CoreContext, submission: Submission): Promise<SubmissionResult> {
  const { account } = submission;
  await assertSenderAllowed(ctx, account, submission.mailFrom);
  const parsed = parseMessage(submission.raw);
  if (parsed.from.length === 0) throw new InputError('mail.no_from', 'the message has no From address');
  const owned = await ownedAddresses(ctx, account);
  for (const from of parsed.from) {
    if (!owned.has(from.address.toLowerCase())) {
      throw new UserError('mail.from_not_owned', `you may not send as <${from.address}> (From header)`);
    }
  }

  const fromDomain = (parsed.from[0]?.address ?? '').split('@')[1] ?? '';
  const added: string[] = [];
  let messageId = parsed.messageId;
  if (!messageId) {
    messageId = `${randomUUID()}@${fromDomain}`;
    added.push(`Message-ID: <${messageId}>\r\n`);
  }
  if (parsed.sentAt === null && !/^date:/im.test(headerBlock(submission.raw))) {
    added.push(`Date: ${new Date(ctx.clock.now()).toUTCString().replace('GMT', '+0000')}\r\n`);
  }
  let raw =
    added.length > 0 ? Buffer.concat([Buffer.from(added.join(''), 'utf8'), submission.raw]) : submission.raw;

  raw = await signWithDomainKey(ctx, raw, fromDomain);

  const local = submission.routes.filter(
    (r): r is Extract<RecipientRoute, { kind: 'local' }> => r.kind === 'local',
  );
  const remote = submission.routes.filter(
    (r): r is Extract<RecipientRoute, { kind: 'remote' }> => r.kind === 'remote',
  );
  let queueId: string | null = null;
  if (remote.length > 0) {
    ({ queueId } = await enqueueMessage(ctx, {
      mailFrom: submission.mailFrom,
      recipients: remote.map((r) => r.address),
      raw,
      accountId: account.id,
    }));
  }
  if (local.length > 0) {
    const body = await storeMessageBody(ctx, raw);
    for (const route of local) {
      await deliverToAccount(ctx, body, route.recipient, { receivedAt: ctx.clock.now() });
    }
    // Colleagues on vacation answer after the delivery, which never waits for them.
    void sendVacationReplies(ctx, {
      raw,
      parsed: { ...parsed, messageId },
      mailFrom: submission.mailFrom,
      accounts: local.map((route) => route.recipient.account),
    });
  }
  return { messageId, delivered: local.length, queued: remote.length, queueId };
}

function headerBlock(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  return raw.toString('latin1', 0, end === -1 ? Math.min(raw.length, 65536) : end);
}
