/**
 * The one-click moves offered for messages shown from a folder: archive, junk or not junk, delete
 * (to the Trash). The reader's toolbar and the selection's toolbar offer the same ones.
 */
import type { MessageId } from '../../i18n/fr';
import type { Mailbox } from '../jmap/types';
import { findRole } from '../mailbox-tree';

export interface QuickMove {
  label: MessageId;
  target: Mailbox;
  /** The key that presses it (shortcuts.ts), if any. */
  shortcut?: string;
}

/** `currentRole`: the role of the folder the messages are shown from (null: none, or a search). */
export function quickMoves(mailboxes: readonly Mailbox[], currentRole: string | null): QuickMove[] {
  const moves: QuickMove[] = [];
  const offer = (label: MessageId, target: Mailbox | undefined, when: boolean, shortcut?: string) => {
    if (target && when) moves.push(shortcut ? { label, target, shortcut } : { label, target });
  };
  offer('mail.actions.archive', findRole(mailboxes, 'archive'), currentRole !== 'archive', 'e');
  offer('mail.actions.junk', findRole(mailboxes, 'junk'), currentRole !== 'junk');
  offer('mail.actions.notJunk', findRole(mailboxes, 'inbox'), currentRole === 'junk');
  offer('mail.actions.delete', findRole(mailboxes, 'trash'), currentRole !== 'trash', '#');
  return moves;
}

/** Whether "delete" means for good here: in the Trash, or where there is no Trash to move to. */
export function deletesForGood(mailboxes: readonly Mailbox[], currentRole: string | null): boolean {
  return currentRole === 'trash' || !findRole(mailboxes, 'trash');
}
