export { type CreatedEmail, createEmail, type NewEmail } from './drafts.js';
export {
  cancelSubmission,
  createSubmission,
  MAX_HOLD_MS,
  RELEASE_LEASE_MS,
  type ReleaseReport,
  releaseDueSubmissions,
  type SubmissionRequest,
} from './submissions.js';
