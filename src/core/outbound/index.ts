export {
  type ApplyResultsRequest,
  type AttemptReport,
  applyDeliveryResults,
  BOUNCE_RETRY_DELAY_MS,
  EXPIRED_STATUS,
  MAX_RESPONSE_CHARS,
} from './attempts.js';
export { type BounceRequest, sendBounce } from './bounce.js';
export {
  buildDsn,
  type DsnInput,
  type DsnRecipient,
  encodeQuotedPrintable,
  headerBlockOf,
  MAX_RETURNED_HEADER_BYTES,
  rfc5322Date,
} from './dsn.js';
export {
  domainOf,
  type EnqueueRequest,
  enqueueMessage,
  MAX_ADDRESS_LENGTH,
  MAX_RECIPIENTS_PER_MESSAGE,
} from './enqueue.js';
export {
  deleteQueued,
  type ListQueueOptions,
  listQueue,
  MAX_QUEUE_PAGE,
  type QueueEntry,
  retryNow,
} from './queue-admin.js';
export { nextAttemptAt, QUEUE_LIFETIME_MS, RETRY_DELAYS_MS } from './retry-schedule.js';
export {
  assertSenderAllowed,
  ownedAddresses,
  type RecipientRoute,
  routeRecipient,
  type Submission,
  type SubmissionResult,
  submitMessage,
} from './submit.js';
export { type SystemNotice, sendSystemNotice } from './system-notice.js';
export type { DeliveryOutcome, DomainDelivery, OutboundTransport, RecipientResult } from './types.js';
export {
  type DeliveredMessage,
  getVacation,
  MAX_VACATION_BODY_CHARS,
  MAX_VACATION_SUBJECT_CHARS,
  sendVacationReplies,
  updateVacation,
  VACATION_DISABLED,
  VACATION_PERIOD_MS,
  type VacationOutcome,
  type VacationSettings,
} from './vacation.js';
export {
  type IncomingMail,
  type NoReplyReason,
  type ReplyDecision,
  type VacationWindow,
  vacationDecision,
} from './vacation-rules.js';
