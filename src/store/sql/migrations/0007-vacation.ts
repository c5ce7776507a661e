/**
 * 0007 — vacation responses (JMAP VacationResponse, RFC 8621 §8) and the memory of who got one.
 *
 * Implementation notes
 * - `vacation_responses`: at most one row per account (the JMAP singleton); no row means disabled.
 *   Dates are instants in milliseconds, null when open-ended.
 * - `vacation_replies`: to whom an account's auto-reply went and when, so that a sender gets at
 *   most one reply per period (RFC 3834 §2, RFC 5230 `:days`, 7 by default). Keyed by account and
 *   lower-case sender address; rows past the period are useless and deleted as replies are sent.
 */
import type { Kysely, Migration } from 'kysely';

export function vacationMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('vacation_responses')
        .addColumn('account_id', 'text', (col) =>
          col.primaryKey().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('is_enabled', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('from_date', 'bigint')
        .addColumn('to_date', 'bigint')
        .addColumn('subject', 'text')
        .addColumn('text_body', 'text')
        .addColumn('html_body', 'text')
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('vacation_replies')
        .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('sender', 'text', (col) => col.notNull())
        .addColumn('last_sent_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('vacation_replies_pkey', ['account_id', 'sender'])
        .execute();
    },
  };
}
