/**
 * Public surface of the SQL store: opening the database, recognising constraint errors, one repository
 * per aggregate, and the row types. Core imports from here, never from the individual files.
 */

export { chargeMessage, ensureAccountUsage, findAccountUsage, nextModseq } from './account-usage.js';
export {
  clearFailedSignIns,
  type FailedSignInOptions,
  findAccountByAddress,
  findAccountById,
  findAccountByIdentifier,
  findAccountsByNumenHash,
  insertAccount,
  type ListAccountsOptions,
  listAccounts,
  listAddressesStartingWith,
  listIdentifiersStartingWith,
  recordFailedSignIn,
  updateAccount,
} from './accounts.js';
export { deleteAlias, insertAlias, listAliases, type NewAlias } from './aliases.js';
export {
  deleteAnnouncement,
  insertAnnouncement,
  listAnnouncementRows,
  type NewAnnouncement,
} from './announcements.js';
export {
  countAppPasswords,
  deleteAccountAppPasswords,
  deleteAppPassword,
  findAppPasswordByHash,
  insertAppPassword,
  listAppPasswords,
  type NewAppPassword,
  touchAppPassword,
} from './app-passwords.js';
export {
  type AuditRecord,
  appendAudit,
  countAuditSince,
  type ListAuditOptions,
  latestAuditAt,
  listAudit,
  type NewAuditEntry,
} from './audit-log.js';
export {
  cancelEmailSubmission,
  claimDueSubmissions,
  failEmailSubmission,
  findEmailSubmissions,
  findUploads,
  insertEmailSubmission,
  markSubmissionReleased,
  purgeUploads,
  recordUpload,
  releaseSubmissionClaim,
} from './compose.js';
export type { SqlDialect } from './dialect.js';
export { type DirectoryMatch, type DirectorySearch, searchDirectory } from './directory-search.js';
export { findActiveDkimKey, insertDkimKey, listDkimKeys } from './dkim-keys.js';
export { findDomainById, findDomainByName, insertDomain, listDomains, type NewDomain } from './domains.js';
export {
  isForeignKeyViolation,
  isUniqueViolation,
  RowNotFoundError,
  UniqueViolationError,
} from './errors.js';
export {
  findEstablishmentById,
  findEstablishmentByUai,
  insertEstablishment,
  listEstablishments,
  type NewEstablishment,
} from './establishments.js';
export { announceWrite, inGroupCommit, type WriteAnnouncement, type WriteUnit } from './group-commit.js';
export {
  destroyIdentity,
  findIdentityRows,
  type IdentityPatch,
  insertIdentity,
  updateIdentity,
  upsertIdentityOverride,
} from './identities.js';
export { recordDevice } from './known-devices.js';
export {
  accountHasBlob,
  type ChangeSummary,
  countMailboxesOfAccount,
  findMessagesOfAccount,
  findPositionsNewestFirst,
  type ListedMessage,
  listAccountChangesSince,
  listMailboxIdsOfMessages,
  listMessagesNewestFirst,
  listThreadMembers,
  type MailboxCounters,
  type MessageFilter,
  summarizeAccountChangesSince,
} from './mail-views.js';
export {
  allocateUid,
  findMailboxById,
  findMailboxByPath,
  findMailboxByRole,
  insertMailbox,
  listMailboxes,
  type NewMailbox,
} from './mailboxes.js';
export {
  type BodyDescriptionColumn,
  countMailboxMessages,
  findFirstUnseenUid,
  findMailboxUidsOfMessages,
  findMessageBodies,
  findMessageBody,
  findMessageBodyColumns,
  findMessageById,
  findThreadIdsByBaseSubject,
  findThreadIdsByMessageIds,
  insertChanges,
  insertMailboxMessage,
  insertMessage,
  insertMessageBody,
  listMailboxChangesSince,
  listMailboxMessageIds,
  listMailboxMessages,
  listMailboxMessagesChangedSince,
  listMailboxUids,
  listMessagesAfter,
  type MailboxEntry,
} from './messages.js';
export { listMigrations, type MigrateOptions, migrateToLatest } from './migrate.js';
export { type OpenDatabaseOptions, openDatabase, type SqlStore } from './open-database.js';
export {
  findDefaultOrganisation,
  findOrganisationById,
  insertOrganisation,
  type NewOrganisation,
} from './organisations.js';
export {
  type ClaimOptions,
  claimDueRecipients,
  deleteOutboundMessage,
  findOutboundMessage,
  insertOutboundMessage,
  type ListOutboundOptions,
  listOutboundMessages,
  listOutboundRecipients,
  type NewOutboundMessage,
  type NewOutboundRecipient,
  purgeFinishedOutboundMessages,
  type RecipientOutcome,
  recordRecipientAttempt,
  releaseRecipients,
  rescheduleOutboundMessage,
} from './outbound-queue.js';
export { MAX_PAGE_SIZE } from './pagination.js';
export {
  countPasskeys,
  deletePasskey,
  findPasskeyByCredentialId,
  insertPasskey,
  listPasskeyRows,
  type NewPasskey,
  recordPasskeyUse,
  renamePasskeyRow,
  savePasskeyChallenge,
  takePasskeyChallenge,
} from './passkeys.js';
export {
  findPasswordReset,
  type NewPasswordReset,
  purgeExpiredPasswordResets,
  replacePasswordReset,
  spendPasswordReset,
} from './password-resets.js';
export {
  countPendingFailure,
  countTrustedDevices,
  deletePendingSignIn,
  deletePendingSignInsOf,
  findPendingSignIn,
  forgetTrustedDevices,
  insertPendingSignIn,
  isDeviceTrusted,
  type NewPendingSignIn,
  setPendingChallenge,
  trustDevice,
} from './pending-sign-ins.js';
export {
  findProfileById,
  findProfileByName,
  insertProfile,
  listProfiles,
  type NewProfile,
} from './profiles.js';
export type * from './schema.js';
export {
  advanceTotpStep,
  countUnusedRecoveryCodes,
  deleteSecondFactors,
  findTotpSecret,
  replaceRecoveryCodes,
  saveUnconfirmedTotp,
  spendRecoveryCode,
} from './second-factors.js';
export {
  deleteAccountSessions,
  deleteExpiredSessions,
  deleteSession,
  findSession,
  insertSession,
  listAccountSessions,
  type NewSession,
  type SessionTouch,
  touchSession,
} from './sessions.js';
export {
  claimVacationReply,
  findVacationResponse,
  forgetVacationReplies,
  purgeVacationReplies,
  saveVacationResponse,
} from './vacation.js';
