/**
 * Sending a written message (JMAP EmailSubmission): at once, or held on the server until a release
 * time — the few seconds of "undo send", or a scheduled date (as FUTURERELEASE, RFC 4865, does for
 * SMTP). Held submissions are sent by the release loop (jobs/submission-release.ts) whether or not
 * any browser is open.
 *
 * Implementation notes
 * - Checks happen when the submission is made, so the user hears of a refused sender or recipient
 *   at once: the envelope sender must be the account's, every recipient must route (an unknown
 *   local address, or an outside one for a profile that may not write outside, is refused). They are
 *   checked again at release, since an account can change meanwhile; a refusal then cancels it.
 * - What is sent is the message as it was when submitted (its blob), without its Bcc field; the
 *   draft may change or go afterwards.
 * - A release claims the submission (a lease), sends, then marks it final. A crash between sending
 *   and marking sends again after the lease: a duplicate, never a loss.
 * - Creating, canceling, releasing and refusing a submission each take the account's next modseq
 *   (its EmailSubmission state) in the transaction that writes the row, and tell the change feed, so
 *   EmailSubmission/changes and push see them.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { UserError } from '../../lib/errors/index.js';
import { withoutBcc } from '../../lib/mime/index.js';
import {
  type Account,
  cancelEmailSubmission,
  claimDueSubmissions,
  type Database,
  type EmailSubmission,
  ensureAccountUsage,
  failEmailSubmission,
  findAccountById,
  insertEmailSubmission,
  markSubmissionReleased,
  nextModseq,
  releaseSubmissionClaim,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { readMessageBytes } from '../mail/index.js';
import {
  assertSenderAllowed,
  type RecipientRoute,
  routeRecipient,
  submitMessage,
} from '../outbound/index.js';

/** The longest hold accepted (scheduled send): far enough for "send on Monday at 8". */
export const MAX_HOLD_MS = 365 * 24 * 60 * 60_000;
/** How long a release may take before another node may retry it. */
export const RELEASE_LEASE_MS = 5 * 60_000;
/** After a failure that may pass (storage, database), the release is tried again this much later. */
export const RELEASE_RETRY_MS = 60_000;

export interface SubmissionRequest {
  identityId: string;
  emailId: string;
  threadId: string;
  blobId: string;
  mailFrom: string;
  recipients: string[];
  /** Milliseconds since the epoch; at or before now: sent at once. */
  sendAt: number;
}

async function routesFor(ctx: CoreContext, account: Account, mailFrom: string, recipients: string[]) {
  await assertSenderAllowed(ctx, account, mailFrom);
  if (recipients.length === 0) throw new UserError('mail.no_recipients', 'the message has no recipient');
  const routes: RecipientRoute[] = [];
  for (const address of recipients) routes.push(await routeRecipient(ctx, account, address));
  return routes;
}

async function send(
  ctx: CoreContext,
  account: Account,
  submission: Pick<EmailSubmission, 'blob_id' | 'mail_from'>,
  routes: RecipientRoute[],
) {
  const raw = withoutBcc(await readMessageBytes(ctx, submission.blob_id));
  return submitMessage(ctx, { account, mailFrom: submission.mail_from, routes, raw });
}

/** Thrown inside a transaction to roll it back when the write found nothing to change. */
class Unchanged extends Error {}

/**
 * Runs `write` with the account's next modseq in one transaction, then tells the change feed.
 * @returns false when `write` returned false (nothing changed: the transaction is rolled back).
 */
async function changeSubmission(
  ctx: CoreContext,
  accountId: string,
  write: (trx: Transaction<Database>, modseq: number) => Promise<boolean | undefined>,
): Promise<boolean> {
  await ensureAccountUsage(ctx.db, accountId);
  let modseq: number;
  try {
    modseq = await ctx.db.transaction().execute(async (trx) => {
      const next = await nextModseq(trx, accountId);
      if ((await write(trx, next)) === false) throw new Unchanged();
      return next;
    });
  } catch (error) {
    if (error instanceof Unchanged) return false;
    throw error;
  }
  ctx.changes.publish({ accountId, mailboxIds: [], modseq });
  return true;
}

/**
 * Sends or holds a message.
 * @throws UserError `mail.sender_not_owned`, `mail.from_not_owned`, `mail.unknown_recipient`,
 *   `mail.external_forbidden`, `mail.no_recipients`, `mail.hold_too_long`
 */
export async function createSubmission(
  ctx: CoreContext,
  account: Account,
  request: SubmissionRequest,
): Promise<EmailSubmission> {
  const now = ctx.clock.now();
  if (request.sendAt - now > MAX_HOLD_MS) {
    throw new UserError('mail.hold_too_long', 'a message can be held at most a year');
  }
  const routes = await routesFor(ctx, account, request.mailFrom, request.recipients);
  const held = request.sendAt > now;
  const row: Omit<EmailSubmission, 'created_modseq' | 'modseq'> = {
    id: randomUUID(),
    account_id: account.id,
    identity_id: request.identityId,
    email_id: request.emailId,
    thread_id: request.threadId,
    blob_id: request.blobId,
    mail_from: request.mailFrom,
    recipients: JSON.stringify(request.recipients),
    send_at: held ? request.sendAt : now,
    undo_status: held ? 'pending' : 'final',
    lease_until: null,
    created_at: now,
    released_at: held ? null : now,
  };
  if (!held) await send(ctx, account, row, routes);
  // The blob of a held submission is referenced from here on: the row is its durable record.
  let stored: EmailSubmission | undefined;
  await changeSubmission(ctx, account.id, async (trx, modseq) => {
    stored = { ...row, created_modseq: modseq, modseq };
    await insertEmailSubmission(trx, stored);
    return true;
  });
  ctx.log.info(
    {
      event: held ? 'submission.held' : 'submission.sent',
      submissionId: row.id,
      accountId: account.id,
      sendAt: row.send_at,
    },
    held ? 'message held until its release time' : 'message sent',
  );
  return stored as EmailSubmission;
}

/** Cancels a held submission. @returns false when it was already sent (or is being sent). */
export function cancelSubmission(ctx: CoreContext, account: Account, id: string): Promise<boolean> {
  const now = ctx.clock.now();
  return changeSubmission(ctx, account.id, (trx, modseq) =>
    cancelEmailSubmission(trx, account.id, id, now, modseq),
  );
}

export interface ReleaseReport {
  sent: number;
  refused: number;
  retried: number;
}

/** Sends every held submission due now (all accounts); the release loop calls it every second. */
export async function releaseDueSubmissions(ctx: CoreContext, limit = 50): Promise<ReleaseReport> {
  const now = ctx.clock.now();
  const report: ReleaseReport = { sent: 0, refused: 0, retried: 0 };
  for (const submission of await claimDueSubmissions(ctx.db, now, now + RELEASE_LEASE_MS, limit)) {
    try {
      const account = await findAccountById(ctx.db, submission.account_id);
      if (account?.status !== 'active' || !account)
        throw new UserError('account.unavailable', 'the sender account is not active');
      const routes = await routesFor(
        ctx,
        account,
        submission.mail_from,
        JSON.parse(submission.recipients) as string[],
      );
      await send(ctx, account, submission, routes);
      const releasedAt = ctx.clock.now();
      await changeSubmission(ctx, submission.account_id, async (trx, modseq) => {
        await markSubmissionReleased(trx, submission.id, releasedAt, modseq);
        return true;
      });
      report.sent += 1;
      ctx.log.info({ event: 'submission.released', submissionId: submission.id }, 'held message sent');
    } catch (error) {
      if (error instanceof UserError) {
        await changeSubmission(ctx, submission.account_id, async (trx, modseq) => {
          await failEmailSubmission(trx, submission.id, modseq);
          return true;
        });
        report.refused += 1;
        ctx.log.warn(
          { event: 'submission.refused', submissionId: submission.id, code: error.code },
          'held message refused at release',
        );
      } else {
        await releaseSubmissionClaim(ctx.db, submission.id, ctx.clock.now() + RELEASE_RETRY_MS);
        report.retried += 1;
        ctx.log.error(
          { event: 'submission.release_failed', submissionId: submission.id, err: error },
          'held message not sent; will retry',
        );
      }
    }
  }
  return report;
}
