/**
 * What every IMAP command handler sees: the session's state and how to answer.
 *
 * Implementation notes
 * - Handlers write untagged responses through `write` and return the tagged completion; a refusal is
 *   a thrown CommandError (NO or BAD with an optional response code), turned into the tagged line by
 *   the connection, so no handler can forget to complete its command.
 */
import type { CoreContext } from '../../core/context.js';
import type { ImapCommand, ResponseCode, ResponseEncoder } from '../../lib/imap/index.js';
import type { Logger } from '../../platform/log/index.js';
import type { Account } from '../../store/sql/index.js';
import type { SelectedMailbox } from './selected-mailbox.js';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface Session {
  ctx: CoreContext;
  log: Logger;
  encoder: ResponseEncoder;
  state: SessionState;
  account: Account | null;
  selected: SelectedMailbox | null;
  /** UTF8=ACCEPT enabled: mailbox names and strings travel as UTF-8. */
  utf8: boolean;
  /** CONDSTORE enabled (RFC 7162 §3.1): FETCH responses for flag changes carry MODSEQ. */
  condstore: boolean;
  /** QRESYNC enabled (RFC 7162 §3.2): VANISHED instead of EXPUNGE, SELECT (QRESYNC …). */
  qresync: boolean;
  /** IMAP4rev2 enabled (RFC 9051 §7.1): ESEARCH answers, no RECENT, LIST in SELECT. */
  rev2: boolean;
  write(chunk: Buffer): void;
}

export interface Completion {
  text: string;
  code?: ResponseCode | null;
}

export type CommandHandler = (session: Session, command: ImapCommand) => Promise<Completion>;

export class CommandError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code: ResponseCode | null = null,
  ) {
    super(message);
  }
}

export const no = (text: string, code: ResponseCode | null = null) => new CommandError('NO', text, code);
export const bad = (text: string, code: ResponseCode | null = null) => new CommandError('BAD', text, code);

/** Unwraps an argument reader's result or refuses the command with BAD. */
export function required<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw bad(result.error.message);
  return result.value;
}

export function requireSelected(session: Session): SelectedMailbox {
  if (!session.selected) throw bad('No mailbox selected');
  return session.selected;
}

export function requireAccount(session: Session): Account {
  if (!session.account) throw bad('Not authenticated');
  return session.account;
}
