/**
 * Announcements the user closed, remembered in this browser by id (a new announcement has a new id,
 * so it shows again). Bounded: the oldest ids are forgotten first.
 */
const KEY = 'facteur.announcements.hidden';
export const MAX_HIDDEN = 50;

export function readHidden(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter((id): id is string => typeof id === 'string').slice(-MAX_HIDDEN)
      : [];
  } catch {
    return [];
  }
}

export function hide(
  id: string,
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage,
): string[] {
  const next = [...readHidden(storage).filter((known) => known !== id), id].slice(-MAX_HIDDEN);
  try {
    storage?.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused (private mode): hidden for this page only.
  }
  return next;
}
