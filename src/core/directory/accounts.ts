/**
 * Accounts: creation with generated identifier and address, lookup, disable/enable, unlock.
 *
 * Implementation notes
 * - Identifier and address come from lib/naming. Two concurrent creations of homonyms may pick the
 *   same free name: the unique constraints decide, and the loser retries with a fresh list.
 * - NUMEN and birth date are stored only as keyed hashes. When a NUMEN is given and no password,
 *   the NUMEN is the provisional password (académie practice, PRODUCT.md §1).
 * - Every provisional password must be changed at first sign-in.
 */
import { randomUUID } from 'node:crypto';
import { InputError, UserError } from '../../lib/errors/index.js';
import {
  addressLocalPartBase,
  identifierBase,
  nextAddressLocalPart,
  nextIdentifier,
} from '../../lib/naming/index.js';
import { generateProvisionalPassword, keyedHash } from '../../platform/crypto/index.js';
import {
  type Account,
  type AccountRole,
  type AccountStatus,
  appendAudit,
  clearFailedSignIns,
  deleteAccountSessions,
  findAccountByAddress,
  findAccountByIdentifier,
  findEstablishmentByUai,
  findProfileByName,
  insertAccount,
  isUniqueViolation,
  listAccounts as listAccountRows,
  listAddressesStartingWith,
  listIdentifiersStartingWith,
  updateAccount,
} from '../../store/sql/index.js';
import type { Actor, CoreContext } from '../context.js';
import { ensureDefaultMailboxes } from '../mail/index.js';
import { DEFAULT_PROFILE } from './defaults.js';
import { getDomain } from './organisation.js';
import {
  normaliseNumen,
  validateBirthDate,
  validateDate,
  validateEmail,
  validatePersonName,
} from './validation.js';

/** Homonym races are rare; this bounds the retries when many run at once (bulk imports). */
const MAX_NAME_RETRIES = 20;

export interface CreateAccountInput {
  firstName: string;
  lastName: string;
  domain: string;
  profile?: string;
  establishmentUai?: string;
  password?: string;
  numen?: string;
  birthDate?: string;
  recoveryEmail?: string;
  role?: AccountRole;
  /** Forces the identifier (the first administrator is `admin`); generated otherwise. */
  identifier?: string;
  /** Forces the address local part; generated otherwise. */
  localPart?: string;
  startDate?: string;
  endDate?: string;
}

export interface CreatedAccount {
  account: Account;
  provisionalPassword: string;
}

/** @throws InputError on invalid fields; UserError `domain.not_found`, `profile.not_found`, `account.exists` */
export async function createAccount(
  ctx: CoreContext,
  input: CreateAccountInput,
  actor: Actor,
): Promise<CreatedAccount> {
  const now = ctx.clock.now();
  const firstName = validatePersonName(input.firstName, 'first');
  const lastName = validatePersonName(input.lastName, 'last');
  const domain = await getDomain(ctx, input.domain);
  const profileName = input.profile ?? DEFAULT_PROFILE;
  const profile = await findProfileByName(ctx.db, domain.organisation_id, profileName);
  if (!profile) throw new UserError('profile.not_found', `profile ${profileName} does not exist`);
  let establishmentId: string | null = null;
  if (input.establishmentUai) {
    const establishment = await findEstablishmentByUai(ctx.db, input.establishmentUai.toUpperCase());
    if (!establishment)
      throw new UserError('establishment.not_found', `no establishment with UAI ${input.establishmentUai}`);
    establishmentId = establishment.id;
  }
  const numen = input.numen === undefined ? undefined : normaliseNumen(input.numen);
  const birthDate =
    input.birthDate === undefined ? undefined : validateBirthDate(input.birthDate, new Date(now));
  const recoveryEmail = input.recoveryEmail === undefined ? null : validateEmail(input.recoveryEmail);
  const startDate = input.startDate === undefined ? null : validateDate(input.startDate, 'start date');
  const endDate = input.endDate === undefined ? null : validateDate(input.endDate, 'end date');
  if (startDate && endDate && endDate < startDate) {
    throw new InputError('account.date_invalid', 'end date is before start date', { field: 'end date' });
  }
  if (input.password !== undefined && input.password.length === 0) {
    throw new InputError('account.password_invalid', 'password must not be empty');
  }
  const provisionalPassword = input.password ?? numen ?? generateProvisionalPassword();
  const passwordHash = await ctx.hasher.hash(provisionalPassword);

  for (let attempt = 0; ; attempt++) {
    const identifier = input.identifier ?? (await pickIdentifier(ctx, firstName, lastName));
    const localPart = input.localPart ?? (await pickLocalPart(ctx, firstName, lastName, domain.name));
    const account: Account = {
      id: randomUUID(),
      organisation_id: domain.organisation_id,
      domain_id: domain.id,
      profile_id: profile.id,
      establishment_id: establishmentId,
      first_name: firstName,
      last_name: lastName,
      identifier,
      address: `${localPart}@${domain.name}`,
      role: input.role ?? 'user',
      status: 'active',
      password_hash: passwordHash,
      must_change_password: 1,
      password_changed_at: null,
      numen_hash: numen === undefined ? null : keyedHash(ctx.secretKey, 'numen', numen),
      birth_date_hash: birthDate === undefined ? null : keyedHash(ctx.secretKey, 'birth-date', birthDate),
      recovery_email: recoveryEmail,
      start_date: startDate,
      end_date: endDate,
      failed_attempts: 0,
      locked_until: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await insertAccount(ctx.db, account);
    } catch (error) {
      const forced = input.identifier !== undefined || input.localPart !== undefined;
      if (isUniqueViolation(error) && (forced || attempt >= MAX_NAME_RETRIES)) {
        throw new UserError(
          'account.exists',
          `an account named ${identifier} or ${account.address} already exists`,
        );
      }
      if (isUniqueViolation(error)) continue;
      throw error;
    }
    await ensureDefaultMailboxes(ctx, account.id);
    await appendAudit(ctx.db, {
      at: now,
      actor,
      action: 'account.created',
      target: account.identifier,
      details: { address: account.address, profile: profile.name, role: account.role },
    });
    return { account, provisionalPassword };
  }
}

async function pickIdentifier(ctx: CoreContext, first: string, last: string): Promise<string> {
  const base = identifierBase(first, last);
  return nextIdentifier(base, await listIdentifiersStartingWith(ctx.db, base));
}

async function pickLocalPart(
  ctx: CoreContext,
  first: string,
  last: string,
  domainName: string,
): Promise<string> {
  const base = addressLocalPartBase(first, last);
  const taken = (await listAddressesStartingWith(ctx.db, base, domainName)).map((a) =>
    a.slice(0, a.lastIndexOf('@')),
  );
  return nextAddressLocalPart(base, taken);
}

/** Finds an account by academic identifier or by address (primary or alias). */
export async function findAccountByLogin(ctx: CoreContext, login: string): Promise<Account | undefined> {
  const value = login.trim().toLowerCase();
  if (value.length === 0 || value.length > 320) return undefined;
  return value.includes('@') ? findAccountByAddress(ctx.db, value) : findAccountByIdentifier(ctx.db, value);
}

/** @throws UserError `account.not_found` */
export async function getAccount(ctx: CoreContext, login: string): Promise<Account> {
  const account = await findAccountByLogin(ctx, login);
  if (!account) throw new UserError('account.not_found', `no account ${login.trim()}`);
  return account;
}

export async function listAccounts(
  ctx: CoreContext,
  options: { status?: AccountStatus; limit: number; offset: number },
): Promise<Account[]> {
  return listAccountRows(ctx.db, options);
}

/** Disables an account and ends its sessions at once. */
export async function disableAccount(ctx: CoreContext, login: string, actor: Actor): Promise<Account> {
  const account = await getAccount(ctx, login);
  const now = ctx.clock.now();
  await updateAccount(ctx.db, account.id, { status: 'disabled', updated_at: now });
  await deleteAccountSessions(ctx.db, account.id);
  await appendAudit(ctx.db, {
    at: now,
    actor,
    action: 'account.disabled',
    target: account.identifier,
    details: null,
  });
  return { ...account, status: 'disabled', updated_at: now };
}

export async function enableAccount(ctx: CoreContext, login: string, actor: Actor): Promise<Account> {
  const account = await getAccount(ctx, login);
  const now = ctx.clock.now();
  await updateAccount(ctx.db, account.id, { status: 'active', updated_at: now });
  await appendAudit(ctx.db, {
    at: now,
    actor,
    action: 'account.enabled',
    target: account.identifier,
    details: null,
  });
  return { ...account, status: 'active', updated_at: now };
}

/** Lifts a lockout (helpdesk action) and forgets the failed attempts. */
export async function unlockAccount(ctx: CoreContext, login: string, actor: Actor): Promise<Account> {
  const account = await getAccount(ctx, login);
  const now = ctx.clock.now();
  await clearFailedSignIns(ctx.db, account.id);
  await appendAudit(ctx.db, {
    at: now,
    actor,
    action: 'account.unlocked',
    target: account.identifier,
    details: { wasLocked: account.locked_until !== null && account.locked_until > now },
  });
  return { ...account, failed_attempts: 0, locked_until: null };
}

export function isLocked(account: Account, now: number): boolean {
  return account.locked_until !== null && account.locked_until > now;
}
