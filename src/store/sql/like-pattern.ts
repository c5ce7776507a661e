/**
 * Prefix matching with LIKE, safe for names containing LIKE's wildcards.
 *
 * Implementation notes
 * - `_` and `%` are legal in local parts and identifiers (`jean_paul`), so a prefix is escaped before
 *   `%` is appended; otherwise `jean_` would also match `jeanxpaul` and the homonym numbering would skip
 *   free names, or worse, `%` would match everything.
 * - `!` is the escape character rather than `\`: backslashes mean different things in PostgreSQL and
 *   SQLite string literals, `!` means nothing in either.
 * - Case: callers compare against columns stored lower-case and pass lower-case prefixes. SQLite's LIKE
 *   ignores ASCII case and PostgreSQL's does not, which is why storage is normalised instead.
 */
import { type RawBuilder, sql } from 'kysely';

const LIKE_ESCAPE = '!';

/** Escapes `%`, `_` and the escape character itself for a LIKE pattern using `escape '!'`. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`);
}

/** `column LIKE pattern ESCAPE '!'`, where `pattern` is already escaped with `escapeLike`. */
export function likeEscaped(column: string, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '!'`;
}
