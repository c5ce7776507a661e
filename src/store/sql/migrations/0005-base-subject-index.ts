/**
 * 0005 — an index on `message_bodies.base_subject`, for the threading fallback (a reply without
 * References joins the latest message with the same base subject). Without it that lookup walked
 * every message of the account received in the last 30 days, once per delivery.
 */
import type { Kysely, Migration } from 'kysely';

export function baseSubjectIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('message_bodies_base_subject_idx')
        .on('message_bodies')
        .column('base_subject')
        .execute();
    },
  };
}
