/**
 * Accounts repository: people and service mailboxes, their credentials and lockout state.
 *
 * Implementation notes
 * - `identifier` and `address` are stored lower-case (sign-in and RCPT TO are case-insensitive in
 *   practice), so the UNIQUE constraints are case-insensitive and every lookup lower-cases its input.
 * - An address belongs to one account only, as a primary address or as an alias. Within a table the
 *   UNIQUE constraints enforce it; across the two tables the repositories check before writing and
 *   throw `UniqueViolationError`.
 *   TODO(store): on PostgreSQL two concurrent transactions (an alias and a primary address with the
 *   same value) can both pass the check; close it with a shared address table in a later migration.
 * - `recordFailedSignIn` is one UPDATE … RETURNING whose right-hand sides read the row's previous values:
 *   the row lock (PostgreSQL) or the single writer (SQLite) serialises concurrent failures, so twenty
 *   parallel wrong passwords count twenty and lock exactly every `maxAttempts`-th time.
 * - The "now" of `updated_at` is the caller's when given; the fallback reads the system clock because the
 *   repository API has no clock parameter.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { directoryKey } from './directory-key.js';
import { RowNotFoundError, UniqueViolationError } from './errors.js';
import { escapeLike, likeEscaped } from './like-pattern.js';
import { assertPage } from './pagination.js';
import type { Account, AccountStatus, AccountUpdate, Database, NewAccount } from './schema.js';

export interface ListAccountsOptions {
  organisationId?: string;
  status?: AccountStatus;
  limit: number;
  offset: number;
}

export interface FailedSignInOptions {
  now: number;
  /** Failures that trigger a lock; at least 1. */
  maxAttempts: number;
  lockMs: number;
}

/**
 * Inserts an account, lower-casing its identifier and address.
 * @throws a unique violation when the id, identifier or address is taken (including by an alias).
 */
export async function insertAccount(db: Kysely<Database>, row: NewAccount): Promise<Account> {
  const values = { ...row, identifier: row.identifier.toLowerCase(), address: row.address.toLowerCase() };
  await assertNotAnAlias(db, values.address);
  const account = await db.insertInto('accounts').values(values).returningAll().executeTakeFirstOrThrow();
  await writeDirectoryEntry(db, account);
  return account;
}

/** The folded names the directory finds the account by (directory-search.ts). */
async function writeDirectoryEntry(db: Kysely<Database>, account: Account): Promise<void> {
  const directory_key = directoryKey(account.first_name, account.last_name);
  await db
    .insertInto('directory_entries')
    .values({ account_id: account.id, directory_key })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ directory_key }))
    .execute();
}

export async function findAccountById(db: Kysely<Database>, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Case-insensitive lookup by identifier (`sdupont`). */
export async function findAccountByIdentifier(
  db: Kysely<Database>,
  identifier: string,
): Promise<Account | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('identifier', '=', identifier.toLowerCase())
    .executeTakeFirst();
}

/** The account receiving `address`, as its primary address or one of its aliases; case-insensitive. */
export async function findAccountByAddress(
  db: Kysely<Database>,
  address: string,
): Promise<Account | undefined> {
  const normalised = address.toLowerCase();
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('address', '=', normalised),
        eb('id', 'in', eb.selectFrom('aliases').select('account_id').where('address', '=', normalised)),
      ]),
    )
    .executeTakeFirst();
}

/** Identifiers starting with `prefix` (case-insensitive; `_` and `%` are literal), sorted. */
export async function listIdentifiersStartingWith(db: Kysely<Database>, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('accounts')
    .select('identifier')
    .where(likeEscaped('identifier', `${escapeLike(prefix.toLowerCase())}%`))
    .orderBy('identifier', 'asc')
    .execute();
  return rows.map((row) => row.identifier);
}

/**
 * Full addresses, primary or alias, on `domainName` whose local part starts with `localPartPrefix`
 * (case-insensitive; `_` and `%` are literal), sorted. Used to number homonyms (`prenom.nom2@`).
 */
export async function listAddressesStartingWith(
  db: Kysely<Database>,
  localPartPrefix: string,
  domainName: string,
): Promise<string[]> {
  const prefix = localPartPrefix.toLowerCase();
  const suffix = `@${domainName.toLowerCase()}`;
  const pattern = `${escapeLike(prefix)}%${escapeLike(suffix)}`;
  const rows = await db
    .selectFrom('accounts')
    .select('address')
    .where(likeEscaped('address', pattern))
    .union(db.selectFrom('aliases').select('address').where(likeEscaped('address', pattern)))
    .execute();
  // `%` could span an `@` inside a quoted local part: keep only exact domain matches.
  return rows
    .map((row) => row.address)
    .filter((address) => {
      const at = address.lastIndexOf('@');
      return address.slice(at) === suffix && address.slice(0, at).startsWith(prefix);
    })
    .sort();
}

/**
 * One page of accounts ordered by identifier.
 * @throws RangeError on an invalid limit or offset (see MAX_PAGE_SIZE).
 */
export async function listAccounts(db: Kysely<Database>, options: ListAccountsOptions): Promise<Account[]> {
  assertPage(options.limit, options.offset);
  let query = db.selectFrom('accounts').selectAll();
  if (options.organisationId !== undefined)
    query = query.where('organisation_id', '=', options.organisationId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  return query.orderBy('identifier', 'asc').limit(options.limit).offset(options.offset).execute();
}

/**
 * Applies `patch` and sets `updated_at` (to now unless given). Identifier and address are lower-cased.
 * @returns the updated account, or undefined when no account has this id.
 * @throws RangeError when the patch tries to change the id; a unique violation on a taken name.
 */
export async function updateAccount(
  db: Kysely<Database>,
  id: string,
  patch: AccountUpdate,
): Promise<Account | undefined> {
  if (patch.id !== undefined && patch.id !== id) throw new RangeError('an account id cannot change');
  const { id: _unchanged, ...changes } = patch;
  if (changes.identifier !== undefined) changes.identifier = changes.identifier.toLowerCase();
  if (changes.address !== undefined) {
    changes.address = changes.address.toLowerCase();
    await assertNotAnAlias(db, changes.address);
  }
  const account = await db
    .updateTable('accounts')
    .set({ ...changes, updated_at: changes.updated_at ?? Date.now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (account && (changes.first_name !== undefined || changes.last_name !== undefined)) {
    await writeDirectoryEntry(db, account);
  }
  return account;
}

/**
 * Counts one failed sign-in, atomically. On the `maxAttempts`-th consecutive failure the account is
 * locked until `now + lockMs` and the counter restarts from 0.
 * @returns the updated account.
 * @throws RowNotFoundError when no account has this id; RangeError on a non-positive `maxAttempts`,
 *   a negative `lockMs` or a fractional `now`.
 */
export async function recordFailedSignIn(
  db: Kysely<Database>,
  id: string,
  options: FailedSignInOptions,
): Promise<Account> {
  const { now, maxAttempts, lockMs } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be ≥ 1');
  if (!Number.isInteger(lockMs) || lockMs < 0) throw new RangeError('lockMs must be a non-negative integer');
  if (!Number.isInteger(now)) throw new RangeError('now must be an integer number of milliseconds');
  const lockedUntil = now + lockMs;
  const account = await db
    .updateTable('accounts')
    .set({
      failed_attempts: sql<number>`case when failed_attempts + 1 >= ${maxAttempts} then 0 else failed_attempts + 1 end`,
      locked_until: sql<
        number | null
      >`case when failed_attempts + 1 >= ${maxAttempts} then ${lockedUntil} else locked_until end`,
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (account === undefined) throw new RowNotFoundError(`no account ${id}`);
  return account;
}

/** Accounts whose NUMEN has this keyed hash (normally one; the column is not unique), any status. */
export async function findAccountsByNumenHash(db: Kysely<Database>, numenHash: string): Promise<Account[]> {
  return db.selectFrom('accounts').selectAll().where('numen_hash', '=', numenHash).orderBy('id').execute();
}

/** Resets the failure counter and lifts any lock. @returns false when no account has this id. */
export async function clearFailedSignIns(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

async function assertNotAnAlias(db: Kysely<Database>, address: string): Promise<void> {
  const alias = await db
    .selectFrom('aliases')
    .select('address')
    .where('address', '=', address)
    .executeTakeFirst();
  if (alias !== undefined) throw new UniqueViolationError(`address ${address} is already an alias`);
}
