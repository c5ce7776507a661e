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

export interface Database {
  organisations: OrganisationTable;
  domains: DomainTable;
  establishments: EstablishmentTable;
  profiles: ProfileTable;
  accounts: AccountTable;
  aliases: AliasTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
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
export type AuditEntry = Selectable<AuditLogTable>;
