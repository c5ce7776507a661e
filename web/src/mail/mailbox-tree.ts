/**
 * The mailbox list as the sidebar shows it: a tree flattened in display order, with depth.
 *
 * Order: the role mailboxes first in the order people expect (Inbox, Drafts, Sent, Archive, Junk,
 * Trash), then the others by sortOrder and name (locale-aware, so "école" sorts with "e"); children
 * follow their parent. A mailbox whose parent is missing (not yet loaded, or a broken tree) is shown
 * at the top level rather than lost.
 */
import type { Mailbox } from './jmap/types';

export const ROLE_ORDER: readonly string[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];

export interface MailboxNode {
  mailbox: Mailbox;
  depth: number;
  /** Ids from the top-level ancestor down to this mailbox's parent. */
  ancestors: string[];
  hasChildren: boolean;
}

function rank(mailbox: Mailbox): number {
  const index = mailbox.role === null ? -1 : ROLE_ORDER.indexOf(mailbox.role);
  return index < 0 ? ROLE_ORDER.length : index;
}

export function compareMailboxes(a: Mailbox, b: Mailbox, collator: Intl.Collator): number {
  return rank(a) - rank(b) || a.sortOrder - b.sortOrder || collator.compare(a.name, b.name);
}

export function flattenMailboxTree(mailboxes: readonly Mailbox[], locale: string): MailboxNode[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const ids = new Set(mailboxes.map((m) => m.id));
  const children = new Map<string | null, Mailbox[]>();
  for (const mailbox of mailboxes) {
    const parent = mailbox.parentId !== null && ids.has(mailbox.parentId) ? mailbox.parentId : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(mailbox);
    children.set(parent, siblings);
  }
  const out: MailboxNode[] = [];
  const visit = (parent: string | null, depth: number, ancestors: string[]) => {
    const siblings = [...(children.get(parent) ?? [])].sort((a, b) => compareMailboxes(a, b, collator));
    for (const mailbox of siblings) {
      const hasChildren = (children.get(mailbox.id)?.length ?? 0) > 0;
      out.push({ mailbox, depth, ancestors, hasChildren });
      // A cycle cannot come from the server (it refuses them), but must not hang the page either.
      if (hasChildren && !ancestors.includes(mailbox.id))
        visit(mailbox.id, depth + 1, [...ancestors, mailbox.id]);
    }
  };
  visit(null, 0, []);
  return out;
}

export function findRole(mailboxes: readonly Mailbox[], role: string): Mailbox | undefined {
  return mailboxes.find((m) => m.role === role);
}
