/**
 * The institution's directory as a signed-in user sees it: people found by name or address prefix,
 * for recipient autocompletion.
 *
 * Implementation notes
 * - Only the searcher's own organisation, only active accounts, at most MAX_DIRECTORY_RESULTS, and
 *   only name, address and establishment: the directory is not a way to list or profile accounts.
 * - Fewer than MIN_DIRECTORY_QUERY characters find nothing (no "a" listing half the académie).
 */
import type { DirectoryEntry } from '../../../common/api.js';
import { type Account, searchDirectory } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export const MIN_DIRECTORY_QUERY = 2;
export const MAX_DIRECTORY_RESULTS = 20;
/** Longer queries are cut: no name or address is longer. */
const MAX_DIRECTORY_QUERY = 100;

export async function searchPeople(
  ctx: CoreContext,
  searcher: Account,
  query: string,
): Promise<DirectoryEntry[]> {
  const text = query.trim().slice(0, MAX_DIRECTORY_QUERY);
  if ([...text].length < MIN_DIRECTORY_QUERY) return [];
  const rows = await searchDirectory(ctx.db, {
    organisationId: searcher.organisation_id,
    query: text,
    limit: MAX_DIRECTORY_RESULTS,
  });
  return rows.map((row) => ({
    name: `${row.firstName} ${row.lastName}`.trim(),
    email: row.address,
    establishment: row.establishment,
  }));
}
