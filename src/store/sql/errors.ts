/**
 * Recognising constraint violations from either dialect.
 *
 * Implementation notes
 * - Callers branch on "this name is taken" (pick `sdupont2`, answer ALREADYEXISTS) without knowing
 *   which driver raised it: better-sqlite3 reports extended result codes as strings
 *   (`SQLITE_CONSTRAINT_UNIQUE`), node-postgres reports the SQLSTATE (`23505`).
 * - Kysely does not wrap driver errors, but callers may (`new ServerError(…, { cause })`), so the
 *   `cause` chain is followed a few levels.
 * - Some uniqueness spans two tables (an alias may not equal a primary address) and is checked by the
 *   repositories, which throw `UniqueViolationError`; it counts as a unique violation too.
 */

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const POSTGRES_UNIQUE_VIOLATION = '23505';
const SQLITE_FOREIGN_KEY_CODE = 'SQLITE_CONSTRAINT_FOREIGNKEY';
const POSTGRES_FOREIGN_KEY_VIOLATION = '23503';
/** Bounds the walk on a pathological (cyclic) `cause` chain. */
const MAX_CAUSE_DEPTH = 5;

/** Raised by a repository when a uniqueness rule spanning several tables would be broken. */
export class UniqueViolationError extends Error {
  readonly code = 'store.unique_violation';
}

/** Raised by a repository operation that must find its row (most return undefined instead). */
export class RowNotFoundError extends Error {
  readonly code = 'store.not_found';
}

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** True when `err` (or its cause) is a unique or primary-key violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  return codesOf(err).some(
    (code) =>
      SQLITE_UNIQUE_CODES.has(code) ||
      code === POSTGRES_UNIQUE_VIOLATION ||
      code === 'store.unique_violation',
  );
}

/** True when `err` (or its cause) is a foreign-key violation, on SQLite or PostgreSQL. */
export function isForeignKeyViolation(err: unknown): boolean {
  return codesOf(err).some(
    (code) => code === SQLITE_FOREIGN_KEY_CODE || code === POSTGRES_FOREIGN_KEY_VIOLATION,
  );
}
