/** The ChangeFeed contract (see index.ts); apart so that implementations import it without a cycle. */
export interface MailChange {
  accountId: string;
  /** Mailboxes whose content or counts changed; empty when only account-wide state did. */
  mailboxIds: string[];
  /** The account's highest modseq after the change. */
  modseq: number;
}

export type ChangeListener = (change: MailChange) => void;

export interface ChangeFeed {
  /** Tells the account's listeners; never throws (a failing listener is its own problem). */
  publish(change: MailChange): void;
  /** Listens to one account's changes; returns the function that stops listening. */
  subscribe(accountId: string, listener: ChangeListener): () => void;
}
