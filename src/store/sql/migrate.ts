/**
 * Forward-only schema migrations, run at every start.
 *
 * Implementation notes
 * - The list is static (imported modules, not a directory scan) so the compiled `dist/` and a bundle
 *   work the same. Names sort in order: `0001-…`, `0002-…`. Kysely refuses to start on a database that
 *   ran a migration this build does not know (a downgrade), which is what we want.
 * - Concurrent starts (the server and the CLI on one database) must not interleave:
 *   PostgreSQL: Kysely takes a session advisory lock and runs all pending migrations in one transaction.
 *   SQLite: Kysely's adapter takes no lock (it assumes one process), so the whole run, including the
 *   creation of Kysely's own tables, happens inside `BEGIN IMMEDIATE`, which holds SQLite's write lock
 *   across processes and makes the run atomic (SQLite DDL is transactional). The lock is polled
 *   with `busy_timeout = 0` and an async sleep rather than waited for in SQLite's busy handler,
 *   because better-sqlite3 is synchronous: a busy wait would freeze the event loop of the waiting
 *   process (and deadlock two stores opened in one process).
 * - When the tables live in a dedicated PostgreSQL schema, Kysely's bookkeeping tables go there too:
 *   otherwise its "table exists" check would see another schema's `kysely_migration`.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';
import { directoryMigration } from './migrations/0001-directory.js';
import { mailMigration } from './migrations/0002-mail.js';
import { outboundQueueMigration } from './migrations/0003-outbound-queue.js';
import { dkimKeysMigration } from './migrations/0004-dkim-keys.js';
import { baseSubjectIndexMigration } from './migrations/0005-base-subject-index.js';
import { composeMigration } from './migrations/0006-compose.js';
import { vacationMigration } from './migrations/0007-vacation.js';
import { identitiesMigration } from './migrations/0008-identities.js';
import { mailboxReceivedMigration } from './migrations/0009-mailbox-received.js';
import { appPasswordsMigration } from './migrations/0010-app-passwords.js';
import { submissionChangesMigration } from './migrations/0011-submission-changes.js';
import { announcementsMigration } from './migrations/0012-announcements.js';
import { knownDevicesMigration } from './migrations/0013-known-devices.js';
import { secondFactorsMigration } from './migrations/0014-second-factors.js';
import { pendingSignInsMigration } from './migrations/0015-pending-sign-ins.js';
import { passwordResetsMigration } from './migrations/0016-password-resets.js';
import { passkeysMigration } from './migrations/0017-passkeys.js';

/** How long a start waits for another process's migration before giving up. */
const SQLITE_MIGRATION_LOCK_TIMEOUT_MS = 60_000;
const SQLITE_MIGRATION_LOCK_POLL_MS = 25;

/** Every migration, in order. Append only. */
export function listMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001-directory': directoryMigration(dialect),
    '0002-mail': mailMigration(dialect),
    '0003-outbound-queue': outboundQueueMigration(),
    '0004-dkim-keys': dkimKeysMigration(),
    '0005-base-subject-index': baseSubjectIndexMigration(),
    '0006-compose': composeMigration(),
    '0007-vacation': vacationMigration(),
    '0008-identities': identitiesMigration(),
    '0009-mailbox-received': mailboxReceivedMigration(dialect),
    '0010-app-passwords': appPasswordsMigration(),
    '0011-submission-changes': submissionChangesMigration(),
    '0012-announcements': announcementsMigration(),
    '0013-known-devices': knownDevicesMigration(),
    '0014-second-factors': secondFactorsMigration(),
    '0015-pending-sign-ins': pendingSignInsMigration(),
    '0016-password-resets': passwordResetsMigration(),
    '0017-passkeys': passkeysMigration(),
  };
}

export interface MigrateOptions {
  dialect: SqlDialect;
  /** PostgreSQL schema holding the tables (already on the search_path); omit for the default. */
  schema?: string;
}

/**
 * Brings the database to the latest migration.
 * @returns the names of the migrations applied by this call (empty when already up to date).
 * @throws the first failing migration's error; nothing of the failing run is kept.
 */
export async function migrateToLatest<DB>(database: Kysely<DB>, options: MigrateOptions): Promise<string[]> {
  // Migrations address tables that may not exist yet: they work on an untyped view of the database.
  const db = database as unknown as Kysely<unknown>;
  if (options.dialect === 'postgres') return runMigrator(db, options);
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    try {
      const applied = await runMigrator(connection, options);
      await sql`commit`.execute(connection);
      return applied;
    } catch (err) {
      await sql`rollback`.execute(connection);
      throw err;
    }
  });
}

async function runMigrator(db: Kysely<unknown>, options: MigrateOptions): Promise<string[]> {
  const migrations = listMigrations(options.dialect);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'bookkeeping';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

async function beginImmediate(connection: Kysely<unknown>): Promise<void> {
  const previous = await sql<{ timeout: number }>`pragma busy_timeout`.execute(connection);
  const busyTimeoutMs = previous.rows[0]?.timeout ?? 0;
  await sql`pragma busy_timeout = 0`.execute(connection);
  try {
    const deadline = performance.now() + SQLITE_MIGRATION_LOCK_TIMEOUT_MS;
    for (;;) {
      try {
        await sql`begin immediate`.execute(connection);
        return;
      } catch (err) {
        if (!isSqliteBusy(err) || performance.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, SQLITE_MIGRATION_LOCK_POLL_MS));
      }
    }
  } finally {
    await sql`pragma busy_timeout = ${sql.lit(busyTimeoutMs)}`.execute(connection);
  }
}

function isSqliteBusy(err: unknown): boolean {
  const code: unknown =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
