import { type DragEvent, useMemo, useState } from 'react';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import type { Mailbox } from './jmap/types';
import { useMailboxName } from './mailbox-name';
import { flattenMailboxTree } from './mailbox-tree';
import { carriesEmails, EMAIL_DRAG_TYPE, parseDraggedEmails } from './organise/email-drag';
import type { SavedSearch } from './search/saved-searches';

export interface MailboxNavProps {
  mailboxes: readonly Mailbox[];
  selectedId: string | null;
  onSelect: (mailboxId: string) => void;
  savedSearches: readonly SavedSearch[];
  selectedSearchId: string | null;
  onOpenSearch: (search: SavedSearch) => void;
  onDeleteSearch: (search: SavedSearch) => void;
  /** Messages dragged from the list were dropped on a folder. */
  onDropEmails: (emailIds: readonly string[], target: Mailbox) => void;
  onCreateFolder: () => void;
  onEditFolder: (mailbox: Mailbox) => void;
}

/**
 * The folder list: a navigation landmark of links, unread counts spoken with their meaning. Each
 * folder takes messages dropped from the list; folders without a role have an edit button (rename,
 * move, delete), and "New folder" closes the list.
 */
export function MailboxNav({
  mailboxes,
  selectedId,
  onSelect,
  savedSearches,
  selectedSearchId,
  onOpenSearch,
  onDeleteSearch,
  onDropEmails,
  onCreateFolder,
  onEditFolder,
}: MailboxNavProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const nodes = useMemo(() => flattenMailboxTree(mailboxes, intlLocale(locale)), [mailboxes, locale]);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const dropHandlers = (mailbox: Mailbox) => ({
    onDragOver: (event: DragEvent) => {
      if (!carriesEmails(event.dataTransfer) || mailbox.id === selectedId) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      setDropTarget(mailbox.id);
    },
    onDragLeave: () => setDropTarget((current) => (current === mailbox.id ? null : current)),
    onDrop: (event: DragEvent) => {
      setDropTarget(null);
      if (!carriesEmails(event.dataTransfer)) return;
      event.preventDefault();
      const ids = parseDraggedEmails(event.dataTransfer.getData(EMAIL_DRAG_TYPE));
      if (ids.length > 0 && mailbox.id !== selectedId) onDropEmails(ids, mailbox);
    },
  });
  return (
    <nav className="mail-nav" aria-label={t('mail.nav.label')}>
      <ul className="mail-nav__list">
        {nodes.map(({ mailbox, depth }) => {
          const selected = mailbox.id === selectedId;
          const name = nameOf(mailbox);
          const editable = mailbox.role === null && mailbox.myRights.mayRename;
          return (
            <li key={mailbox.id} className="mail-nav__folder" {...dropHandlers(mailbox)}>
              <a
                href={`#${mailbox.id}`}
                className={`mail-nav__item${selected ? ' mail-nav__item--selected' : ''}${dropTarget === mailbox.id ? ' mail-nav__item--drop' : ''}`}
                style={{ paddingInlineStart: `${0.75 + depth}rem` }}
                aria-current={selected ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  onSelect(mailbox.id);
                }}
              >
                <span className="mail-nav__name">{name}</span>
                {mailbox.unreadEmails > 0 ? (
                  <span className="mail-nav__count">
                    <span aria-hidden="true">{mailbox.unreadEmails}</span>
                    <span className="visually-hidden">
                      {t('mail.nav.unread', { count: mailbox.unreadEmails })}
                    </span>
                  </span>
                ) : null}
              </a>
              {editable ? (
                <button
                  type="button"
                  className="mail-nav__delete"
                  aria-label={t('mail.folder.edit', { name })}
                  title={t('mail.folder.edit', { name })}
                  onClick={() => onEditFolder(mailbox)}
                >
                  <span aria-hidden="true">✎</span>
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p className="mail-nav__new">
        <button type="button" className="button button--tertiary" onClick={onCreateFolder}>
          {t('mail.folder.new')}
        </button>
      </p>
      {savedSearches.length > 0 ? (
        <>
          <h2 className="mail-nav__heading" id="saved-searches-heading">
            {t('mail.search.savedHeading')}
          </h2>
          <ul className="mail-nav__list" aria-labelledby="saved-searches-heading">
            {savedSearches.map((entry) => (
              <li key={entry.id} className="mail-nav__saved">
                <a
                  href={`#search-${entry.id}`}
                  className={`mail-nav__item${entry.id === selectedSearchId ? ' mail-nav__item--selected' : ''}`}
                  aria-current={entry.id === selectedSearchId ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenSearch(entry);
                  }}
                >
                  <span className="mail-nav__name">{entry.name}</span>
                </a>
                <button
                  type="button"
                  className="mail-nav__delete"
                  aria-label={t('mail.search.delete', { name: entry.name })}
                  title={t('mail.search.delete', { name: entry.name })}
                  onClick={() => onDeleteSearch(entry)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </nav>
  );
}
