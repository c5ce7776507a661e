/**
 * Whether a delivered message deserves a vacation auto-reply (RFC 3834 §2, RFC 5230 §4.5): a pure
 * decision over the vacation's window, the envelope sender and the message's header.
 *
 * Implementation notes
 * - The rules refuse rather than risk a loop or a reply to a crowd: no reply to a null return path
 *   (bounces), to system senders (MAILER-DAEMON, LISTSERV, majordomo, owner-*, *-request, and the
 *   no-reply addresses that would discard it anyway), to anything automatic (`Auto-Submitted` other
 *   than `no`, `Precedence: bulk|list|junk`, Exchange's `X-Auto-Response-Suppress: OOF|All`), to
 *   list mail (any RFC 2369 `List-*` field, or `List-Id`), to oneself, nor when none of the
 *   account's addresses is in To or Cc (Bcc'd or list mail: RFC 3834 §2 "personal" messages only).
 * - Mail filed as junk gets no reply: answering spam confirms the address to the spammer.
 * - The window is [fromDate, toDate): on or after fromDate, before toDate (RFC 8621 §8).
 * - Rate (one reply per sender per period) is not decided here but by the store, atomically.
 */
import type { Address, HeaderField } from '../../lib/mime/index.js';

export interface VacationWindow {
  isEnabled: boolean;
  /** Epoch ms; null: open-ended. */
  fromDate: number | null;
  toDate: number | null;
}

export interface IncomingMail {
  /** The envelope sender (return path), `''` for the null path `<>`. */
  mailFrom: string;
  /** The top-level header fields. */
  headers: readonly HeaderField[];
  from: readonly Address[];
  to: readonly Address[];
  cc: readonly Address[];
  /** Filed as junk (a spam verdict). */
  junk?: boolean;
}

export type NoReplyReason =
  | 'disabled'
  | 'outside_dates'
  | 'null_sender'
  | 'system_sender'
  | 'auto_submitted'
  | 'precedence'
  | 'list'
  | 'suppressed'
  | 'self'
  | 'not_addressed'
  | 'junk';

export type ReplyDecision = { reply: true } | { reply: false; reason: NoReplyReason };

/** Local parts (RFC 3834 §2, RFC 5230 §4.5) that are programs, never people on holiday. */
const SYSTEM_LOCAL_PART =
  /^(mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request|.*-owner|no-?reply|do-?not-?reply)$/i;
const LIST_FIELDS = /^list-(id|unsubscribe|subscribe|post|help|owner|archive)$/i;

function fieldValues(headers: readonly HeaderField[], name: string): string[] {
  return headers.filter((field) => field.name.toLowerCase() === name).map((field) => field.value);
}

/** A structured field's first token, lower case (`auto-replied; owner-email=…` → `auto-replied`). */
function token(value: string): string {
  return (value.split(';')[0] ?? '')
    .replace(/\([^)]*\)/g, '')
    .trim()
    .toLowerCase();
}

/**
 * @param own the account's addresses, lower case (primary and aliases).
 */
export function vacationDecision(
  vacation: VacationWindow,
  now: number,
  mail: IncomingMail,
  own: ReadonlySet<string>,
): ReplyDecision {
  const no = (reason: NoReplyReason): ReplyDecision => ({ reply: false, reason });
  if (!vacation.isEnabled) return no('disabled');
  if (
    (vacation.fromDate !== null && now < vacation.fromDate) ||
    (vacation.toDate !== null && now >= vacation.toDate)
  ) {
    return no('outside_dates');
  }
  const sender = mail.mailFrom.trim().toLowerCase();
  const at = sender.lastIndexOf('@');
  if (sender === '' || at <= 0) return no('null_sender');
  if (SYSTEM_LOCAL_PART.test(sender.slice(0, at))) return no('system_sender');
  if (mail.junk === true) return no('junk');
  if (fieldValues(mail.headers, 'auto-submitted').some((value) => token(value) !== 'no')) {
    return no('auto_submitted');
  }
  if (
    fieldValues(mail.headers, 'precedence').some((value) => ['bulk', 'list', 'junk'].includes(token(value)))
  ) {
    return no('precedence');
  }
  if (mail.headers.some((field) => LIST_FIELDS.test(field.name))) return no('list');
  if (
    fieldValues(mail.headers, 'x-auto-response-suppress').some((value) =>
      value.split(',').some((part) => ['oof', 'all'].includes(part.trim().toLowerCase())),
    )
  ) {
    return no('suppressed');
  }
  if (own.has(sender) || mail.from.some((a) => own.has(a.address.toLowerCase()))) return no('self');
  if (![...mail.to, ...mail.cc].some((a) => own.has(a.address.toLowerCase()))) return no('not_addressed');
  return { reply: true };
}
