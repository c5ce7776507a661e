import { useMemo } from 'react';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import type { Mailbox } from './jmap/types';
import { useMailboxName } from './mailbox-name';
import { flattenMailboxTree } from './mailbox-tree';

export interface MailboxNavProps {
  mailboxes: readonly Mailbox[];
  selectedId: string | null;
  onSelect: (mailboxId: string) => void;
}

/** The folder list: a navigation landmark of links, unread counts spoken with their meaning. */
export function MailboxNav({ mailboxes, selectedId, onSelect }: MailboxNavProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const nodes = useMemo(() => flattenMailboxTree(mailboxes, intlLocale(locale)), [mailboxes, locale]);
  return (
    <nav className="mail-nav" aria-label={t('mail.nav.label')}>
      <ul className="mail-nav__list">
        {nodes.map(({ mailbox, depth }) => {
          const selected = mailbox.id === selectedId;
          const name = nameOf(mailbox);
          return (
            <li key={mailbox.id}>
              <a
                href={`#${mailbox.id}`}
                className={`mail-nav__item${selected ? ' mail-nav__item--selected' : ''}`}
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
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
