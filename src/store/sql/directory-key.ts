/**
 * The folded form of a person's names that the directory is searched by: lower case, accents
 * removed, every run of other characters a single space, with a space at both ends, so that a word
 * prefix is matched by `like '% prefix%'` (see directory-search.ts).
 */
import { foldAccents } from '../../lib/naming/index.js';

/** Words of `text`, folded: `Éloïse Bérenger-Lévy` → [eloise, berenger, levy]. */
export function foldedWords(text: string): string[] {
  return foldAccents(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

export function directoryKey(firstName: string, lastName: string): string {
  const words = foldedWords(`${firstName} ${lastName}`);
  return words.length > 0 ? ` ${words.join(' ')} ` : '';
}
