/**
 * Searching the institution's directory by name or address prefix, for recipient autocompletion.
 *
 * Implementation notes
 * - Tenant rule: the organisation is a required argument and every row is filtered on it; only
 *   active accounts are found.
 * - Names: every word of the query must start a word of the folded names (`directory_entries`), so
 *   `dup syl` finds Sylvie Dupont and `bere` finds Éloïse Bérenger-Lévy; or the whole query starts the
 *   address (`sylvie.d`). Folding is done in JavaScript on both sides, so SQLite and PostgreSQL agree.
 * - A scan of the organisation's entries (`like '% x%'` uses no index): a few milliseconds for tens of
 *   thousands of accounts, and the route asks at most once per typing pause.
 * - Only what a recipient needs is read: names, address and the establishment's name.
 */
import type { Kysely } from 'kysely';
import { foldedWords } from './directory-key.js';
import { escapeLike, likeEscaped } from './like-pattern.js';
import type { Database } from './schema.js';

export interface DirectoryMatch {
  firstName: string;
  lastName: string;
  address: string;
  establishment: string | null;
}

export interface DirectorySearch {
  organisationId: string;
  query: string;
  limit: number;
}

/** Query words beyond this are ignored (a name has few words; bounds the SQL). */
const MAX_WORDS = 5;

export async function searchDirectory(
  db: Kysely<Database>,
  search: DirectorySearch,
): Promise<DirectoryMatch[]> {
  const words = foldedWords(search.query).slice(0, MAX_WORDS);
  const addressPrefix = search.query.trim().toLowerCase();
  if (words.length === 0 && addressPrefix === '') return [];
  const rows = await db
    .selectFrom('accounts')
    .leftJoin('directory_entries', 'directory_entries.account_id', 'accounts.id')
    .leftJoin('establishments', 'establishments.id', 'accounts.establishment_id')
    .select([
      'accounts.first_name as firstName',
      'accounts.last_name as lastName',
      'accounts.address as address',
      'establishments.name as establishment',
    ])
    .where('accounts.organisation_id', '=', search.organisationId)
    .where('accounts.status', '=', 'active')
    .where((eb) =>
      eb.or([
        likeEscaped('accounts.address', `${escapeLike(addressPrefix)}%`),
        ...(words.length > 0
          ? [
              eb.and(
                words.map((word) => likeEscaped('directory_entries.directory_key', `% ${escapeLike(word)}%`)),
              ),
            ]
          : []),
      ]),
    )
    .orderBy('accounts.last_name', 'asc')
    .orderBy('accounts.first_name', 'asc')
    .orderBy('accounts.address', 'asc')
    .limit(search.limit)
    .execute();
  return rows;
}
