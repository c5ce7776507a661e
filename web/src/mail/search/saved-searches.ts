/**
 * Saved searches, kept in this browser's storage (a server-side copy that follows the user between
 * devices comes with user preferences). At most MAX_SAVED; unreadable entries are dropped.
 */
import { parseCriteria, type SearchCriteria } from './search-criteria';

const STORAGE_KEY = 'facteur.savedSearches';
const MAX_SAVED = 30;

export interface SavedSearch {
  id: string;
  name: string;
  criteria: SearchCriteria;
}

export function readSavedSearches(storage: Pick<Storage, 'getItem'> | undefined): SavedSearch[] {
  try {
    const value: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { id, name, criteria } = entry as Record<string, unknown>;
      const parsed = parseCriteria(criteria);
      return typeof id === 'string' && typeof name === 'string' && parsed
        ? [{ id, name, criteria: parsed }]
        : [];
    });
  } catch {
    return [];
  }
}

export function writeSavedSearches(
  storage: Pick<Storage, 'setItem'> | undefined,
  searches: SavedSearch[],
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(searches.slice(-MAX_SAVED)));
  } catch (error) {
    console.warn('mail.storage_unavailable', error);
  }
}
