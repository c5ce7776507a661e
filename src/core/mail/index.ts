export { type CopyResult, copyMessages } from './copy.js';
export {
  type Delivered,
  type DeliveryOptions,
  type DeliveryResult,
  type DeliveryTarget,
  deliverToAccount,
  deliverToAccounts,
  findRecipient,
  type Recipient,
  type StoredBody,
  storeMessageBody,
  wouldExceedQuota,
} from './deliver.js';
export {
  destroyEmails,
  type EmailUpdate,
  type EmailUpdateResult,
  isKeyword,
  updateEmails,
} from './email-update.js';
export {
  changeFlags,
  expungeDeleted,
  type FlagChange,
  type FlagResult,
  keywordsOf,
  SYSTEM_KEYWORDS,
} from './flags.js';
export { type ImportReport, importMbox } from './import-mbox.js';
export {
  createMailbox,
  DEFAULT_MAILBOXES,
  deleteMailbox,
  ensureDefaultMailboxes,
  ensureMailboxPath,
  MAX_MAILBOX_DEPTH,
  MAX_MAILBOX_PATH_LENGTH,
  mailboxWithRole,
  renameMailbox,
  setSubscribed,
  uidValidityAt,
} from './mailboxes.js';
export {
  type BodyDescription,
  type BodyMetadata,
  bodyDescriptions,
  bodyMetadata,
  readMessageBytes,
  readMessageHeader,
} from './read.js';
export { reindexAllMessages } from './reindex.js';
export { baseSubject, looksLikeReply, resolveThreadId, THREAD_SUBJECT_WINDOW_MS } from './threading.js';
