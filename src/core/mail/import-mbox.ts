/**
 * Import of an mbox file into an account (`facteur import mbox`), e.g. from Thunderbird or a
 * previous server's export.
 *
 * Implementation notes
 * - Each message is stored byte for byte as it was in the file (after mboxrd unescaping), with its
 *   flags from Status/X-Status and its internal date from the separator line, else its Date header,
 *   else now.
 * - A message that cannot be stored (over quota) stops the import with a clear error and the count of
 *   what was imported, so a rerun with a larger quota is the fix; malformed MIME never stops it,
 *   since the parser accepts anything.
 */
import { flagsFromStatusHeaders, fromLineDate, splitMbox } from '../../lib/mbox/index.js';
import type { Account } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { deliverToAccount, findRecipient, storeMessageBody } from './deliver.js';
import { ensureMailboxPath } from './mailboxes.js';

export interface ImportReport {
  imported: number;
  mailboxPath: string;
}

export async function importMbox(
  ctx: CoreContext,
  account: Account,
  chunks: AsyncIterable<Buffer | string>,
  options: { mailboxPath?: string; onProgress?: (imported: number) => void },
): Promise<ImportReport> {
  const mailbox = await ensureMailboxPath(ctx, account.id, options.mailboxPath ?? 'INBOX');
  const recipient = await findRecipient(ctx, account.address);
  const quotaBytes = recipient?.quotaBytes ?? 0;
  let imported = 0;
  for await (const message of splitMbox(chunks)) {
    const body = await storeMessageBody(ctx, message.raw);
    const flags = flagsFromStatusHeaders(message.raw);
    await deliverToAccount(
      ctx,
      body,
      { account, quotaBytes },
      {
        mailboxId: mailbox.id,
        receivedAt: fromLineDate(message.fromLine) ?? body.parsed.sentAt ?? ctx.clock.now(),
        seen: flags.seen,
        answered: flags.answered,
        flagged: flags.flagged,
        draft: flags.draft,
        deleted: flags.deleted,
      },
    );
    imported++;
    if (imported % 500 === 0) options.onProgress?.(imported);
  }
  return { imported, mailboxPath: mailbox.path };
}
