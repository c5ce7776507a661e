/**
 * Messages written in the webmail (JMAP Email/set create): built from their parts, stored, and filed
 * like an IMAP APPEND — in one mailbox of the account (Drafts, usually), with its keywords.
 *
 * Implementation notes
 * - The From must be one of the account's addresses (primary or alias): a draft is what will be
 *   sent, and refusing it now is clearer than at submission.
 * - The Message-ID is made here (`uuid@domain of the From`); Date is now.
 * - Attachment bytes are given by the caller, which checked that the account may read each blob.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/errors/index.js';
import { type ComposeInput, composeMessage } from '../../lib/mime/index.js';
import type { Account } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../mail/index.js';
import { ownedAddresses } from '../outbound/index.js';

/** What the user wrote (the composer's fields) and where the message is filed. */
export interface NewEmail extends Omit<ComposeInput, 'messageId' | 'date' | 'headers'> {
  mailboxId: string;
  keywords: string[];
}

export interface CreatedEmail {
  id: string;
  blobId: string;
  threadId: string;
  size: number;
}

/**
 * @throws UserError `mail.from_not_owned`, `mail.over_quota`, `mailbox.not_found`
 */
export async function createEmail(
  ctx: CoreContext,
  account: Account,
  email: NewEmail,
): Promise<CreatedEmail> {
  const owned = await ownedAddresses(ctx, account);
  for (const from of email.from) {
    if (!owned.has(from.address.toLowerCase())) {
      throw new UserError('mail.from_not_owned', `you may not write as <${from.address}>`);
    }
  }
  const fromAddress = email.from[0]?.address ?? account.address;
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
  const raw = await composeMessage({
    ...email,
    from: email.from.length > 0 ? email.from : [{ name: '', address: account.address }],
    messageId: `${randomUUID()}@${domain}`,
    date: new Date(ctx.clock.now()),
  });
  const recipient = await findRecipient(ctx, account.address);
  if (!recipient) throw new UserError('account.unavailable', 'the account cannot receive mail');
  const body = await storeMessageBody(ctx, raw);
  const system = new Set(['$seen', '$flagged', '$answered', '$draft']);
  const delivered = await deliverToAccount(ctx, body, recipient, {
    mailboxId: email.mailboxId,
    receivedAt: ctx.clock.now(),
    seen: email.keywords.includes('$seen'),
    flagged: email.keywords.includes('$flagged'),
    answered: email.keywords.includes('$answered'),
    draft: email.keywords.includes('$draft'),
    keywords: email.keywords.filter((k) => !system.has(k)),
  });
  return { id: delivered.messageId, blobId: body.blobId, threadId: delivered.threadId, size: raw.length };
}
