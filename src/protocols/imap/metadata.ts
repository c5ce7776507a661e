/**
 * Parsed metadata of a view's messages for SORT, THREAD and SENT* searches: read in bounded batches
 * from the rows written at delivery, never by re-reading messages.
 */
import { type BodyMetadata, bodyMetadata } from '../../core/mail/index.js';
import type { MailboxEntry } from '../../store/sql/index.js';
import type { Session } from './session.js';

const BATCH = 500;

/** Metadata by blob id for these entries. */
export async function metadataOfEntries(
  session: Session,
  entries: readonly MailboxEntry[],
): Promise<Map<string, BodyMetadata>> {
  const metadata = new Map<string, BodyMetadata>();
  for (let start = 0; start < entries.length; start += BATCH) {
    const batch = entries.slice(start, start + BATCH).map((entry) => entry.message.blob_id);
    for (const [id, value] of await bodyMetadata(session.ctx, batch)) metadata.set(id, value);
  }
  return metadata;
}
