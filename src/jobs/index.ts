export { parseRelayUrl, type RelayTarget } from '../protocols/smtp/outbound-client.js';
export {
  CLAIM_BATCH_SIZE,
  createQueueRunner,
  FINISHED_RETENTION_MS,
  LEASE_MS,
  POLL_INTERVAL_MS,
  type QueueRunner,
  type QueueRunnerOptions,
  type RunReport,
} from './queue-runner.js';
export {
  createSubmissionReleaser,
  RELEASE_INTERVAL_MS,
  type SubmissionReleaser,
  UPLOAD_RETENTION_MS,
} from './submission-release.js';
