/**
 * Messages Facteur itself writes to a person about their account: the new-device notice, the
 * password-reset link.
 *
 * Implementation notes
 * - From `no-reply@<the account's domain>`, `Auto-Submitted: auto-generated` (RFC 3834) so that
 *   auto-responders stay silent, DKIM-signed by that domain; envelope sender null (`<>`), so that
 *   nothing bounces back to a no-reply address.
 * - An address of one of our domains is delivered to that Inbox at once, whatever its quota (a full
 *   mailbox is no reason to hide an intrusion or lose a reset link); any other goes through the
 *   outbound queue, like any mail, with its retries.
 */
import { randomUUID } from 'node:crypto';
import { composeMessage } from '../../lib/mime/index.js';
import { type Account, findDomainByName } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../mail/index.js';
import { signWithDomainKey } from './dkim-sign.js';
import { enqueueMessage } from './enqueue.js';

const NOTICE_QUOTA_BYTES = Number.MAX_SAFE_INTEGER;

export interface SystemNotice {
  /** The account the notice is about (its domain signs it). */
  account: Account;
  /** Where it goes: the account's own address, or its recovery address. */
  to: string;
  subject: string;
  /** Plain text, French then English. */
  text: string;
}

/**
 * @returns where it went.
 * @throws Error when `to` is in one of our domains but no active mailbox.
 */
export async function sendSystemNotice(ctx: CoreContext, notice: SystemNotice): Promise<'local' | 'remote'> {
  const { account, to } = notice;
  const domain = account.address.slice(account.address.lastIndexOf('@') + 1);
  const raw = await composeMessage({
    from: [{ name: 'Facteur', address: `no-reply@${domain}` }],
    to: [{ name: `${account.first_name} ${account.last_name}`.trim(), address: to }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: notice.subject,
    messageId: `${randomUUID()}@${domain}`,
    date: new Date(ctx.clock.now()),
    inReplyTo: [],
    references: [],
    text: notice.text,
    html: null,
    attachments: [],
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  const signed = await signWithDomainKey(ctx, raw, domain);
  const recipientDomain = to.slice(to.lastIndexOf('@') + 1).toLowerCase();
  if (await findDomainByName(ctx.db, recipientDomain)) {
    const local = await findRecipient(ctx, to);
    if (local?.account.status !== 'active') throw new Error('the address is no active local mailbox');
    const body = await storeMessageBody(ctx, signed);
    await deliverToAccount(
      ctx,
      body,
      { account: local.account, quotaBytes: NOTICE_QUOTA_BYTES },
      { receivedAt: ctx.clock.now() },
    );
    return 'local';
  }
  await enqueueMessage(ctx, { mailFrom: '', recipients: [to], raw: signed, accountId: account.id });
  return 'remote';
}
