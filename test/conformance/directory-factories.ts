/**
 * Factories for directory rows used by the storage conformance suite: each test seeds what it needs.
 *
 * Implementation notes
 * - Instants are above 2^31 on purpose, so every round trip exercises PostgreSQL's bigint parsing.
 * - Names are derived from a counter so a test can create many distinct rows without collisions.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type Account,
  type Database,
  type Domain,
  insertAccount,
  insertDomain,
  insertOrganisation,
  insertProfile,
  type NewAccount,
  type Organisation,
  type Profile,
} from '../../src/store/sql/index.js';

/** 2026-01-01T00:00:00.123Z: a realistic instant well above 2^31. */
export const T0 = 1_767_225_600_123;

export interface Directory {
  organisation: Organisation;
  domain: Domain;
  profile: Profile;
}

/** One organisation with one domain (`ac-test.fr` unless given) and a `staff` profile. */
export async function seedDirectory(db: Kysely<Database>, domainName = 'ac-test.fr'): Promise<Directory> {
  const organisation = await insertOrganisation(db, {
    id: randomUUID(),
    name: 'Académie de Test',
    created_at: T0,
  });
  const domain = await insertDomain(db, {
    id: randomUUID(),
    organisation_id: organisation.id,
    name: domainName,
    created_at: T0,
  });
  const profile = await insertProfile(db, {
    id: randomUUID(),
    organisation_id: organisation.id,
    name: 'staff',
    label: 'Personnels',
    quota_bytes: 5 * 2 ** 30,
    retention_days: 365,
    two_factor_required: 0,
    forwarding_allowed: 1,
    external_sending_allowed: 1,
    created_at: T0,
  });
  return { organisation, domain, profile };
}

/** An account row for `directory`; `identifier` also derives the address unless given. */
export function buildAccount(directory: Directory, overrides: Partial<NewAccount> = {}): NewAccount {
  const identifier = overrides.identifier ?? `user${randomUUID().slice(0, 8)}`;
  return {
    id: randomUUID(),
    organisation_id: directory.organisation.id,
    domain_id: directory.domain.id,
    profile_id: directory.profile.id,
    establishment_id: null,
    first_name: 'Sylvie',
    last_name: 'Dupont',
    identifier,
    address: `${identifier}@${directory.domain.name}`,
    role: 'user',
    status: 'active',
    password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    must_change_password: 0,
    password_changed_at: null,
    numen_hash: null,
    birth_date_hash: null,
    recovery_email: null,
    start_date: null,
    end_date: null,
    failed_attempts: 0,
    locked_until: null,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

export async function createAccount(
  db: Kysely<Database>,
  directory: Directory,
  overrides: Partial<NewAccount> = {},
): Promise<Account> {
  return insertAccount(db, buildAccount(directory, overrides));
}

/** Runs `action` and returns what it threw; fails the test when it does not throw. */
export async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error('expected the action to throw');
}
