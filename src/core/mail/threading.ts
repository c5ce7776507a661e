/**
 * Conversation threading (JMAP threadId, IMAP THREAD=REFERENCES later).
 *
 * Implementation notes
 * - A message joins the thread of any of the account's messages named in its References or
 *   In-Reply-To (RFC 5322 §3.6.4), or whose References name it (a reply delivered before its parent
 *   is not handled yet: TODO(threading): merge threads when a parent arrives late).
 * - Fallback when those headers are missing: a reply-looking subject (`Re:`, `TR:`, `Fwd:`…) joins the
 *   most recent message with the same base subject within THREAD_SUBJECT_WINDOW_MS, as Gmail and
 *   Fastmail do; plain identical subjects ("Bonjour") are not merged, to avoid false threads.
 */
import { randomUUID } from 'node:crypto';
import { findThreadIdsByBaseSubject, findThreadIdsByMessageIds } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export const THREAD_SUBJECT_WINDOW_MS = 30 * 86_400_000;

/** Reply and forward prefixes in the languages our users' correspondents write in. */
const PREFIX = /^\s*(?:(?:re|aw|sv|fw|fwd|tr|wg|rv|enc|réf|ref)\s*(?:\[\d+\])?\s*:\s*|\[[^\]]{1,40}\]\s*)/i;

/** The subject without reply/forward prefixes and list tags, whitespace collapsed, lower case. */
export function baseSubject(subject: string): string {
  let s = subject.normalize('NFC');
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function looksLikeReply(subject: string): boolean {
  return PREFIX.test(subject) && baseSubject(subject) !== subject.replace(/\s+/g, ' ').trim().toLowerCase();
}

export async function resolveThreadId(
  ctx: CoreContext,
  accountId: string,
  message: { subject: string; inReplyTo: string[]; references: string[] },
  receivedAt: number,
): Promise<string> {
  const referenced = [...new Set([...message.references, ...message.inReplyTo])].slice(-50);
  const byReference = await findThreadIdsByMessageIds(ctx.db, accountId, referenced);
  if (byReference[0] !== undefined) return byReference[0];
  if (referenced.length === 0 && looksLikeReply(message.subject)) {
    const base = baseSubject(message.subject);
    if (base.length > 0) {
      const bySubject = await findThreadIdsByBaseSubject(
        ctx.db,
        accountId,
        base,
        receivedAt - THREAD_SUBJECT_WINDOW_MS,
      );
      if (bySubject[0] !== undefined) return bySubject[0];
    }
  }
  return randomUUID();
}
