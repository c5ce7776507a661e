/**
 * Change notifications: "this account's mail changed, up to modseq N", published after a commit and
 * heard by every open session of the account (IMAP IDLE and NOOP, later JMAP push and the webmail).
 *
 * Implementation notes
 * - A notification carries no data, only the account, the mailboxes touched and the new modseq:
 *   listeners read what changed from `change_log` (the source of truth), so a lost or coalesced
 *   notification delays an update, never corrupts one. Sessions also re-read on their own commands.
 * - Published only after the commit: a listener that reads at once sees the change.
 * - One process: an in-memory fan-out (memory-change-feed.ts). Several nodes on PostgreSQL will add a
 *   LISTEN/NOTIFY implementation behind this same interface; the composition root chooses.
 */

export type { ChangeFeed, ChangeListener, MailChange } from './change-feed.js';
export { createMemoryChangeFeed } from './memory-change-feed.js';
