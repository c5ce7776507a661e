export { type CreatedEmail, createEmail, type NewEmail } from './drafts.js';
export {
  aliasIdentityId,
  createIdentity,
  destroyIdentity,
  type Identity,
  type IdentityAddress,
  type IdentityChanges,
  type IdentityInput,
  identityChangesSince,
  listIdentities,
  MAX_SIGNATURE_BYTES,
  updateIdentity,
} from './identities.js';
export {
  cancelSubmission,
  createSubmission,
  MAX_HOLD_MS,
  RELEASE_LEASE_MS,
  type ReleaseReport,
  releaseDueSubmissions,
  type SubmissionRequest,
} from './submissions.js';
