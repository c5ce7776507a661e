export { createMxServer, MAX_CONNECTIONS_PER_IP, MAX_RECIPIENTS, type MxServerOptions } from './mx-server.js';
export { receivedHeader, rfc5322Date } from './received-header.js';
export {
  createSubmissionServers,
  MAX_SUBMISSION_RECIPIENTS,
  type SubmissionServerOptions,
} from './submission-server.js';
