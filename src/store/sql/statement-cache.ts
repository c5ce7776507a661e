/**
 * A better-sqlite3 database whose prepared statements are kept and reused, for Kysely's SqliteDialect.
 *
 * Implementation notes
 * - Kysely's SQLite driver calls `prepare` for every query. Compiling a statement costs as much as
 *   running a small one (tens of microseconds for an INSERT with a few indexes), and a delivery runs
 *   about fifteen: reusing them is a measurable part of SMTP throughput (bench/smtp-vs-postfix.ts).
 * - Reuse is safe because Kysely runs one query at a time on the single connection (its driver holds a
 *   mutex), so a cached statement is never executing twice at once; better-sqlite3 resets a statement
 *   when it is run again.
 * - Bounded: SQL texts that vary (an `IN` list of n parameters is a different text for each n) would
 *   otherwise grow the cache without end. When full, the least recently used statement is dropped;
 *   a Map iterates in insertion order, so re-inserting on use keeps that order cheaply.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const DEFAULT_CAPACITY = 256;

export function withStatementCache(database: Database.Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sqlText: string): SqliteStatement {
      let statement = statements.get(sqlText);
      if (statement) {
        statements.delete(sqlText);
      } else {
        statement = database.prepare(sqlText);
        if (statements.size >= capacity) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sqlText, statement);
      return statement as unknown as SqliteStatement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
