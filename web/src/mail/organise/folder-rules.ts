/**
 * What the folder dialog checks before asking the server, so the common mistakes get a precise
 * message in the user's language (the server refuses the same, with a generic error).
 */
import type { MessageId } from '../../i18n/fr';
import type { Mailbox } from '../jmap/types';

/** A folder and every folder under it: none of them can become its parent. */
export function subtreeIds(mailboxes: readonly Mailbox[], rootId: string): Set<string> {
  const ids = new Set([rootId]);
  // Parents may come after their children in the list: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const mailbox of mailboxes) {
      if (mailbox.parentId !== null && ids.has(mailbox.parentId) && !ids.has(mailbox.id)) {
        ids.add(mailbox.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** Why a name cannot be given to a folder under `parentId`, or null when it can. */
export function folderNameProblem(
  mailboxes: readonly Mailbox[],
  name: string,
  parentId: string | null,
  /** The folder being renamed (its own name is no conflict). */
  selfId: string | null,
  /** The name shown for a folder: a role folder's differs from its stored one (Archive, « Archives »). */
  shownName: (mailbox: Mailbox) => string = (m) => m.name,
): MessageId | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'mail.folder.error.empty';
  if (trimmed.includes('/')) return 'mail.folder.error.slash';
  if (trimmed.length > 200) return 'mail.folder.error.long';
  const same = (other: string) => other.localeCompare(trimmed, undefined, { sensitivity: 'accent' }) === 0;
  const taken = mailboxes.some(
    (m) => m.id !== selfId && m.parentId === parentId && (same(m.name) || same(shownName(m))),
  );
  if (taken) return 'mail.folder.error.exists';
  if (parentId === null && trimmed.toUpperCase() === 'INBOX') return 'mail.folder.error.exists';
  return null;
}
