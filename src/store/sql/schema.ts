/**
 * The relational schema as Kysely sees it: one interface per table.
 *
 * Implementation notes
 * - Portable across SQLite and PostgreSQL: ids are text, instants are integer milliseconds since the
 *   epoch (bigint on PostgreSQL, parsed back to number by the dialect), booleans are integers 0/1,
 *   calendar dates are text `YYYY-MM-DD`.
 * - The migrations in `migrations/` are the source of truth; this file mirrors them and must change
 *   in the same commit.
 * - Secrets never stored in clear: `password_hash` is argon2id (PHC string); `numen_hash` and
 *   `birth_date_hash` are keyed HMAC-SHA-256 (hex) so they can be matched but not read back.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface OrganisationTable {
  id: string;
  name: string;
  created_at: number;
}

export interface DomainTable {
  id: string;
  organisation_id: string;
  /** Lower-case ASCII (A-label) domain name, unique across the deployment. */
  name: string;
  created_at: number;
}

export interface EstablishmentTable {
  id: string;
  organisation_id: string;
  name: string;
  /** Unité Administrative Immatriculée, 7 digits + 1 letter; unique when present. */
  uai: string | null;
  created_at: number;
}

export interface ProfileTable {
  id: string;
  organisation_id: string;
  /** Stable key, unique within an organisation: `staff`, `student`, `external`. */
  name: string;
  label: string;
  quota_bytes: number;
  retention_days: number;
  two_factor_required: number;
  forwarding_allowed: number;
  external_sending_allowed: number;
  created_at: number;
}

export type AccountStatus = 'active' | 'disabled';
export type AccountRole = 'user' | 'admin';

export interface AccountTable {
  id: string;
  organisation_id: string;
  domain_id: string;
  profile_id: string;
  establishment_id: string | null;
  first_name: string;
  last_name: string;
  /** Academic identifier (`sdupont`, `sdupont1`), unique across the deployment. */
  identifier: string;
  /** Primary address (`sylvie.dupont@ac-test.fr`), lower case, unique. */
  address: string;
  role: AccountRole;
  status: AccountStatus;
  password_hash: string;
  must_change_password: number;
  password_changed_at: number | null;
  numen_hash: string | null;
  birth_date_hash: string | null;
  recovery_email: string | null;
  start_date: string | null;
  end_date: string | null;
  failed_attempts: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface AliasTable {
  /** Full lower-case address; unique across accounts and primary addresses. */
  address: string;
  account_id: string;
  created_at: number;
}

export interface SessionTable {
  /** SHA-256 (hex) of the cookie token: a database leak does not yield usable sessions. */
  id: string;
  account_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** Account id, `cli`, or `system`. */
  actor: string;
  /** Dot-named event from the audit catalogue, e.g. `account.unlocked`. */
  action: string;
  target: string | null;
  /** JSON object; never secrets. */
  details: string | null;
}

export interface AccountUsageTable {
  account_id: string;
  used_bytes: number;
  message_count: number;
  /** The account-wide modification sequence: IMAP MODSEQ and JMAP state. */
  highest_modseq: number;
}

export type MailboxRole = 'inbox' | 'drafts' | 'sent' | 'archive' | 'junk' | 'trash';

export interface MailboxTable {
  id: string;
  account_id: string;
  parent_id: string | null;
  /** Leaf name as shown (UTF-8). */
  name: string;
  /** Full path, `/`-separated: `INBOX`, `Projets/2026`. Unique per account. */
  path: string;
  role: MailboxRole | null;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  subscribed: number;
  sort_order: number;
  created_at: number;
}

/** Everything parsed once from a raw message, shared by every account holding it. */
export interface MessageBodyTable {
  blob_id: string;
  size: number;
  /** JSON of the MIME tree with byte offsets (lib/mime MimePart). */
  structure: string;
  /** JSON of the raw IMAP ENVELOPE fields (lib/mime Envelope). */
  envelope: string;
  subject: string;
  /** Subject without Re:/Fwd:/TR: prefixes, lower-cased: the threading fallback key. */
  base_subject: string;
  /** JSON arrays of { name, address }. */
  from_addresses: string;
  to_addresses: string;
  cc_addresses: string;
  sent_at: number | null;
  message_id: string | null;
  /** JSON arrays of message ids. */
  in_reply_to: string;
  references: string;
  preview: string;
  has_attachment: number;
  /** JSON array of lib/mime AttachmentInfo. */
  attachments: string;
  created_at: number;
}

/** An account's copy of a message (a JMAP Email). */
export interface MessageTable {
  id: string;
  account_id: string;
  blob_id: string;
  thread_id: string;
  /** IMAP INTERNALDATE / JMAP receivedAt. */
  received_at: number;
  size: number;
  seen: number;
  flagged: number;
  answered: number;
  draft: number;
  /** JSON array of other keywords, lower-case JMAP form. */
  keywords: string;
  modseq: number;
  created_at: number;
}

export interface MailboxMessageTable {
  mailbox_id: string;
  uid: number;
  message_id: string;
  account_id: string;
  modseq: number;
  /** IMAP \Deleted, per mailbox (EXPUNGE acts on one mailbox). */
  deleted: number;
  /** The message's received_at, copied (it never changes): folders are listed by this column's index. */
  received_at: number;
}

/** A mailbox's JMAP counters, kept by triggers (migration 0009); read, never written, by the code. */
export interface MailboxCounterTable {
  mailbox_id: string;
  total: Generated<number>;
  unread: Generated<number>;
  threads: Generated<number>;
  unread_threads: Generated<number>;
}

/** How many messages of a thread, and how many unread, a mailbox holds (kept by triggers, 0009). */
export interface MailboxThreadTable {
  mailbox_id: string;
  thread_id: string;
  message_count: number;
  unread_count: number;
}

export type ChangeKind = 'email' | 'mailbox' | 'thread';
export type ChangeAction = 'created' | 'updated' | 'destroyed' | 'expunged';

export interface ChangeLogTable {
  account_id: string;
  modseq: number;
  kind: ChangeKind;
  object_id: string;
  action: ChangeAction;
  mailbox_id: string | null;
  uid: number | null;
}

export interface DkimKeyTable {
  id: string;
  domain_id: string;
  selector: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** Base64 SubjectPublicKeyInfo (DER), as published in the `p=` tag. */
  public_key: string;
  /** PEM private key sealed with the deployment secret (platform/crypto). */
  private_key_sealed: string;
  active: number;
  created_at: number;
}

export type OutboundRecipientStatus = 'queued' | 'delivered' | 'failed' | 'bounced';

export interface OutboundMessageTable {
  id: string;
  /** The raw message in the BlobStore (durable before this row commits). */
  blob_id: string;
  /** RFC 5321 reverse-path; `''` is the null sender `<>` (bounces), never bounced itself. */
  mail_from: string;
  /** The submitting account, for bounces and `facteur queue list`; null for bounces and forwards. */
  account_id: string | null;
  size: number;
  created_at: number;
  /** When delivery is given up (created_at + 5 days, RFC 5321 §4.5.4.1). */
  expires_at: number;
}

export interface OutboundRecipientTable {
  id: string;
  message_id: string;
  recipient: string;
  /** Lower-case domain of `recipient`: deliveries are grouped by it. */
  domain: string;
  status: OutboundRecipientStatus;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  /** The remote reply line (or our reason), bounded length. */
  last_response: string | null;
  /** The runner holding the recipient until `lease_until` (several nodes on one database). */
  lease_owner: string | null;
  lease_until: number | null;
}

export interface UploadTable {
  account_id: string;
  blob_id: string;
  type: string;
  size: number;
  created_at: number;
}

export type UndoStatus = 'pending' | 'final' | 'canceled';

export interface EmailSubmissionTable {
  id: string;
  account_id: string;
  identity_id: string;
  email_id: string;
  thread_id: string;
  blob_id: string;
  mail_from: string;
  /** JSON array of envelope recipients. */
  recipients: string;
  send_at: number;
  undo_status: UndoStatus;
  lease_until: number | null;
  created_at: number;
  released_at: number | null;
  /** The account modseq of the creation and of the last change (0011): EmailSubmission/changes. */
  created_modseq: number;
  modseq: number;
}

/** A user's identity: changes to an account's own identities, or one the user created (0008). */
export interface IdentityTable {
  id: string;
  account_id: string;
  email: string;
  name: string;
  /** JSON array of {name, email}, or null. */
  reply_to: string | null;
  /** JSON array of {name, email}, or null. */
  bcc: string | null;
  text_signature: string;
  html_signature: string;
  may_delete: number;
  /** A destroyed identity is kept as a tombstone for Identity/changes. */
  destroyed: number;
  /** 0 for the account's own identities (primary address, aliases). */
  created_modseq: number;
  modseq: number;
  created_at: number;
  updated_at: number;
}

/** The folded names an account is found by in the directory (0008). */
export interface DirectoryEntryTable {
  account_id: string;
  /** `' eloise berenger levy '`: folded words between single spaces. */
  directory_key: string;
}

/** An account's TOTP secret, sealed (0014); unconfirmed while `confirmed_at` is null. */
export interface TotpSecretTable {
  account_id: string;
  secret_sealed: string;
  created_at: number;
  confirmed_at: number | null;
  /** The time step of the last accepted code (RFC 6238), so none is accepted twice. */
  last_step: Generated<number>;
}

/** A single-use recovery code, as a keyed hash (0014). */
export interface RecoveryCodeTable {
  account_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/** A WebAuthn credential of an account, a second factor (0017). Ids and key in base64url. */
export interface PasskeyTable {
  id: string;
  account_id: string;
  credential_id: string;
  /** The COSE public key; not a secret. */
  public_key: string;
  /** The authenticator's signature counter (0 when it keeps none). */
  counter: number;
  /** JSON array of the transports the browser reported (`["usb","nfc"]`), a hint for sign-in. */
  transports: string;
  name: string;
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  device_type: PasskeyDeviceType;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

/** The pending passkey registration of an account, single use (0017). */
export interface PasskeyChallengeTable {
  account_id: string;
  /** base64url, as sent to the browser. */
  challenge: string;
  created_at: number;
  expires_at: number;
}

/** A password-reset link mailed to the recovery address (0016): the SHA-256 of its token. */
export interface PasswordResetTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  /** When the link was used; null while it may still be. */
  used_at: number | null;
}

/** A browser an account signed in from (0013): the SHA-256 of its device cookie. */
export interface KnownDeviceTable {
  account_id: string;
  device_hash: string;
  first_seen_at: number;
  last_seen_at: number;
  /** Until when the second step of sign-in is skipped on this browser (0015), or null. */
  trusted_until: number | null;
}

export type PendingSignInPurpose = 'second_factor' | 'enrol';

/** A sign-in whose password was right, waiting for its second step (0015). */
export interface PendingSignInTable {
  /** SHA-256 (hex) of the cookie token. */
  id: string;
  account_id: string;
  purpose: PendingSignInPurpose;
  /** SHA-256 of the device cookie the password was typed on. */
  device_hash: string;
  created_at: number;
  expires_at: number;
  failures: Generated<number>;
  /** The WebAuthn challenge last offered, base64url. */
  challenge: string | null;
}

/** A notice or planned maintenance shown to every user (0012). */
export interface AnnouncementTable {
  id: string;
  kind: 'info' | 'maintenance';
  starts_at: number;
  ends_at: number;
  title_fr: string;
  body_fr: string;
  title_en: string | null;
  body_en: string | null;
  created_at: number;
}

export type AppPasswordProtocol = 'imap' | 'smtp' | 'jmap';

/** A secret for one mail program, stored as a keyed hash (0010). */
export interface AppPasswordTable {
  id: string;
  account_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  last_used_protocol: AppPasswordProtocol | null;
}

export interface VacationResponseTable {
  account_id: string;
  is_enabled: number;
  /** Instants (epoch ms); null: open-ended. */
  from_date: number | null;
  to_date: number | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  updated_at: number;
}

export interface VacationReplyTable {
  account_id: string;
  /** Lower-case envelope sender the auto-reply went to. */
  sender: string;
  last_sent_at: number;
}

export interface Database {
  organisations: OrganisationTable;
  domains: DomainTable;
  establishments: EstablishmentTable;
  profiles: ProfileTable;
  accounts: AccountTable;
  aliases: AliasTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  account_usage: AccountUsageTable;
  mailboxes: MailboxTable;
  message_bodies: MessageBodyTable;
  messages: MessageTable;
  mailbox_messages: MailboxMessageTable;
  mailbox_counters: MailboxCounterTable;
  mailbox_threads: MailboxThreadTable;
  change_log: ChangeLogTable;
  outbound_messages: OutboundMessageTable;
  outbound_recipients: OutboundRecipientTable;
  dkim_keys: DkimKeyTable;
  uploads: UploadTable;
  email_submissions: EmailSubmissionTable;
  vacation_responses: VacationResponseTable;
  vacation_replies: VacationReplyTable;
  identities: IdentityTable;
  directory_entries: DirectoryEntryTable;
  app_passwords: AppPasswordTable;
  announcements: AnnouncementTable;
  known_devices: KnownDeviceTable;
  totp_secrets: TotpSecretTable;
  recovery_codes: RecoveryCodeTable;
  pending_sign_ins: PendingSignInTable;
  passkeys: PasskeyTable;
  passkey_challenges: PasskeyChallengeTable;
  password_resets: PasswordResetTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type Domain = Selectable<DomainTable>;
export type Establishment = Selectable<EstablishmentTable>;
export type Profile = Selectable<ProfileTable>;
export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type AccountUpdate = Updateable<AccountTable>;
export type Alias = Selectable<AliasTable>;
export type Session = Selectable<SessionTable>;
export type AppPassword = Selectable<AppPasswordTable>;
export type Announcement = Selectable<AnnouncementTable>;
export type TotpSecret = Selectable<TotpSecretTable>;
export type PendingSignIn = Selectable<PendingSignInTable>;
export type Passkey = Selectable<PasskeyTable>;
export type PasswordReset = Selectable<PasswordResetTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type AccountUsage = Selectable<AccountUsageTable>;
export type Mailbox = Selectable<MailboxTable>;
export type MessageBody = Selectable<MessageBodyTable>;
export type Message = Selectable<MessageTable>;
export type MailboxMessage = Selectable<MailboxMessageTable>;
export type ChangeLogEntry = Selectable<ChangeLogTable>;
export type DkimKey = Selectable<DkimKeyTable>;
export type Upload = Selectable<UploadTable>;
export type EmailSubmission = Selectable<EmailSubmissionTable>;
export type VacationResponse = Selectable<VacationResponseTable>;
export type IdentityRow = Selectable<IdentityTable>;
export type OutboundMessage = Selectable<OutboundMessageTable>;
export type OutboundRecipient = Selectable<OutboundRecipientTable>;
