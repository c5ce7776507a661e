/**
 * Rebuilding the search index from the store, when its tables were created anew (a new index
 * version, or an index that was lost): every message is indexed again from its blob.
 *
 * Implementation notes
 * - Keyset pages on `messages.id`, one index transaction per page: memory stays bounded and a crash
 *   midway loses only the current page's work (indexing is idempotent, the next start redoes it only
 *   if the tables are created again; otherwise the messages delivered meanwhile are indexed anyway).
 * - A body shared by several messages of a page is read and parsed once.
 */
import { parseMessage } from '../../lib/mime/index.js';
import { parseBlobId } from '../../store/blob/index.js';
import type { SearchDocument } from '../../store/search/index.js';
import { listMessagesAfter } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { searchDocument } from './deliver.js';
import { readMessageBytes } from './read.js';

const PAGE_SIZE = 500;

/** Indexes every message of every account; returns how many. */
export async function reindexAllMessages(ctx: CoreContext): Promise<number> {
  let after = '';
  let count = 0;
  for (;;) {
    const page = await listMessagesAfter(ctx.db, after, PAGE_SIZE);
    const last = page.at(-1);
    if (!last) return count;
    const parsed = new Map<string, ReturnType<typeof parseMessage>>();
    const documents: SearchDocument[] = [];
    for (const message of page) {
      const blobId = parseBlobId(message.blob_id);
      let body = parsed.get(blobId);
      if (!body) {
        body = parseMessage(await readMessageBytes(ctx, blobId));
        parsed.set(blobId, body);
      }
      documents.push(
        searchDocument(message.account_id, message.id, { blobId, parsed: body }, message.received_at),
      );
    }
    await ctx.search.indexMany(documents);
    count += page.length;
    after = last.id;
  }
}
