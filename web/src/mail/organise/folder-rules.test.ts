import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../jmap/types';
import { folderNameProblem, subtreeIds } from './folder-rules';

const box = (id: string, name: string, parentId: string | null = null): Mailbox => ({
  id,
  name,
  parentId,
  role: null,
  sortOrder: 0,
  totalEmails: 0,
  unreadEmails: 0,
  myRights: { mayRename: true, mayDelete: true },
});

describe('subtreeIds', () => {
  it('holds the folder and all its descendants, whatever the list order', () => {
    const boxes = [box('c', 'C', 'b'), box('b', 'B', 'a'), box('a', 'A'), box('d', 'D'), box('e', 'E', 'd')];
    expect([...subtreeIds(boxes, 'a')].sort()).toEqual(['a', 'b', 'c']);
    expect([...subtreeIds(boxes, 'c')]).toEqual(['c']);
  });
});

describe('folderNameProblem', () => {
  const boxes = [box('a', 'Projets'), box('b', 'École', 'a')];

  it('accepts a new name, and a folder keeping its own name', () => {
    expect(folderNameProblem(boxes, 'Classes', null, null)).toBeNull();
    expect(folderNameProblem(boxes, 'Projets', null, 'a')).toBeNull();
    expect(folderNameProblem(boxes, 'Ecole', 'a', null)).toBeNull();
  });

  it('refuses empty names, slashes, and a sibling of the same name whatever the case', () => {
    expect(folderNameProblem(boxes, '  ', null, null)).toBe('mail.folder.error.empty');
    expect(folderNameProblem(boxes, 'a/b', null, null)).toBe('mail.folder.error.slash');
    expect(folderNameProblem(boxes, 'projets', null, null)).toBe('mail.folder.error.exists');
    expect(folderNameProblem(boxes, 'école', 'a', null)).toBe('mail.folder.error.exists');
    expect(folderNameProblem(boxes, 'inbox', null, null)).toBe('mail.folder.error.exists');
    expect(folderNameProblem(boxes, 'x'.repeat(201), null, null)).toBe('mail.folder.error.long');
  });

  it('refuses the name a role folder is shown under, beside its stored one', () => {
    const roles = [{ ...box('r', 'Archive'), role: 'archive' }];
    const shown = (m: Mailbox) => (m.role === 'archive' ? 'Archives' : m.name);
    expect(folderNameProblem(roles, 'archives', null, null, shown)).toBe('mail.folder.error.exists');
    expect(folderNameProblem(roles, 'Archive', null, null, shown)).toBe('mail.folder.error.exists');
  });
});
