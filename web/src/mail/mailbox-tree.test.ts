import { describe, expect, it } from 'vitest';
import type { Mailbox } from './jmap/types';
import { flattenMailboxTree } from './mailbox-tree';

let next = 0;
function box(
  name: string,
  role: string | null = null,
  parentId: string | null = null,
  sortOrder = 0,
): Mailbox {
  next += 1;
  return {
    id: `m${next}-${name}`,
    name,
    role,
    parentId,
    sortOrder,
    totalEmails: 0,
    unreadEmails: 0,
    myRights: { mayRename: role === null, mayDelete: role === null },
  };
}

describe('flattenMailboxTree', () => {
  it('puts role mailboxes first in the usual order, then the others by name, children after parents', () => {
    const trash = box('Trash', 'trash');
    const inbox = box('INBOX', 'inbox');
    const projets = box('Projets');
    const ecole = box('école');
    const sent = box('Sent', 'sent');
    const child = box('2026', null, projets.id);
    const archives = box('Archives');
    const nodes = flattenMailboxTree([trash, projets, inbox, ecole, child, sent, archives], 'fr');
    expect(nodes.map((n) => [n.mailbox.name, n.depth])).toEqual([
      ['INBOX', 0],
      ['Sent', 0],
      ['Trash', 0],
      ['Archives', 0],
      ['école', 0],
      ['Projets', 0],
      ['2026', 1],
    ]);
    expect(nodes.find((n) => n.mailbox.id === projets.id)?.hasChildren).toBe(true);
    expect(nodes.find((n) => n.mailbox.id === child.id)?.ancestors).toEqual([projets.id]);
  });

  it('keeps a mailbox whose parent is unknown, at the top level', () => {
    const orphan = box('Orphelin', null, 'missing');
    expect(flattenMailboxTree([orphan], 'fr').map((n) => n.depth)).toEqual([0]);
  });

  it('does not loop on a cycle', () => {
    const a = box('A');
    const b = box('B', null, a.id);
    a.parentId = b.id;
    // Neither is reachable from the top: nothing to show, and the call returns.
    expect(flattenMailboxTree([a, b], 'fr')).toEqual([]);
  });

  it('honours sortOrder before the name', () => {
    const z = box('Zèbre', null, null, 1);
    const a = box('Alpha', null, null, 2);
    expect(flattenMailboxTree([a, z], 'fr').map((n) => n.mailbox.name)).toEqual(['Zèbre', 'Alpha']);
  });
});
