/**
 * The webmail: mailbox tree, message list and reader side by side on wide screens; one at a time on
 * phones (the list, or the reader full screen with a way back, or the folders).
 *
 * State: the selected mailbox and message. Push (use-push.ts) bumps `version`; the tree, the list
 * and the open message reload on it, so mail delivered by SMTP or changed over IMAP shows up within
 * a second without a reload.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionInfo } from '../../../common/api.js';
import { isApiError } from '../api/client';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { useDocumentTitle } from '../ui/page';
import type { JmapSession } from './jmap/jmap-client';
import type { MailApi } from './jmap/mail-api';
import type { EmailSummary, Mailbox } from './jmap/types';
import { MailboxNav } from './MailboxNav';
import { MessageList } from './MessageList';
import { useMailboxName } from './mailbox-name';
import { findRole } from './mailbox-tree';
import { Reader } from './reader/Reader';
import { SearchForm } from './search/SearchForm';
import { readSavedSearches, type SavedSearch, writeSavedSearches } from './search/saved-searches';
import {
  criteriaToFilter,
  describeCriteria,
  isEmptyCriteria,
  type SearchCriteria,
} from './search/search-criteria';
import { isInternal, normalizeName } from './sender-warnings';
import { useEmailList } from './use-email-list';
import { usePush } from './use-push';

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export interface MailViewProps {
  mail: MailApi;
  session: SessionInfo;
  institution?: string;
  onSignOut: () => void;
}

type Pane = 'list' | 'reader' | 'nav';

export function MailView({ mail, session, institution, onSignOut }: MailViewProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const [jmapSession, setJmapSession] = useState<JmapSession | null>(null);
  const [mailboxes, setMailboxes] = useState<Mailbox[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mailboxId, setMailboxId] = useState<string | null>(null);
  const [emailId, setEmailId] = useState<string | null>(null);
  const [pane, setPane] = useState<Pane>('list');
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState<SearchCriteria | null>(null);
  const [saved, setSaved] = useState<SavedSearch[]>(() => readSavedSearches(browserStorage()));
  const push = usePush(jmapSession?.eventSourceUrl ?? null);
  const listHeadingRef = useRef<HTMLElement | null>(null);

  const describe = useCallback(
    (error: unknown) =>
      isApiError(error) ? describeProblem(error.problem, t, locale) : t('mail.error.generic'),
    [t, locale],
  );

  useEffect(() => {
    mail.jmap.session().then(setJmapSession, (error: unknown) => setLoadError(describe(error)));
  }, [mail, describe]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on push
  useEffect(() => {
    if (!jmapSession) return;
    mail.mailboxes().then(
      ({ list }) => {
        setMailboxes(list);
        setLoadError(null);
        setMailboxId((current) =>
          current && list.some((m) => m.id === current)
            ? current
            : ((findRole(list, 'inbox') ?? list[0])?.id ?? null),
        );
      },
      (error: unknown) => setLoadError(describe(error)),
    );
  }, [mail, jmapSession, push.version]);

  const filter = useMemo(
    () => (search ? criteriaToFilter(search) : mailboxId ? { inMailbox: mailboxId } : null),
    [search, mailboxId],
  );
  const list = useEmailList(mail, filter, push.version);
  const mailbox = search ? undefined : mailboxes?.find((m) => m.id === mailboxId);
  const heading = search ? t('mail.search.results') : mailbox ? nameOf(mailbox) : t('shell.loading');
  const savedMatch = search
    ? saved.find((s) => JSON.stringify(s.criteria) === JSON.stringify(search))
    : undefined;
  useDocumentTitle([
    mailbox && mailbox.unreadEmails > 0 ? `${heading} (${mailbox.unreadEmails})` : heading,
    t('app.serviceName'),
    institution,
  ]);

  const ownDomain = session.account.address.slice(session.account.address.lastIndexOf('@') + 1);
  // Names people inside the institution write under: the user's own, and the internal senders seen.
  const internalNames = useMemo(() => {
    const names = new Set([normalizeName(`${session.account.firstName} ${session.account.lastName}`)]);
    for (let i = 0; i < Math.min(list.total ?? 0, 500); i++) {
      const from = list.rowAt(i)?.from?.[0];
      if (from?.name && isInternal(from.email, ownDomain)) names.add(normalizeName(from.name));
    }
    return names;
  }, [list, session.account, ownDomain]);

  const showSearch = (criteria: SearchCriteria | null) => {
    setSearch(criteria && !isEmptyCriteria(criteria) ? criteria : null);
    setEmailId(null);
    setPane('list');
    setNotice(null);
    requestAnimationFrame(() => document.getElementById('mail-list-heading')?.focus());
  };

  const updateSaved = (next: SavedSearch[]) => {
    setSaved(next);
    writeSavedSearches(browserStorage(), next);
  };

  const selectMailbox = (id: string) => {
    setSearch(null);
    setMailboxId(id);
    setEmailId(null);
    setPane('list');
    setNotice(null);
    requestAnimationFrame(() => document.getElementById('mail-list-heading')?.focus());
  };

  const backToList = () => {
    setPane('list');
    requestAnimationFrame(() => {
      const selected = document.querySelector<HTMLElement>('.mail-row__button--selected');
      (selected ?? listHeadingRef.current ?? document.getElementById('mail-list-heading'))?.focus();
    });
  };

  const onKeywordChanged = useCallback(
    (id: string, keyword: string, on: boolean) => {
      list.patch(id, (email) => {
        const keywords = { ...email.keywords };
        if (on) keywords[keyword] = true;
        else delete keywords[keyword];
        return { ...email, keywords };
      });
    },
    [list],
  );

  if (loadError && !mailboxes) {
    return (
      <div className="mail mail--error">
        <Alert kind="error">
          <p>{loadError}</p>
        </Alert>
      </div>
    );
  }

  return (
    <div className="mail" data-pane={pane}>
      <h1 className="visually-hidden">
        {t('mail.heading', { name: `${session.account.firstName} ${session.account.lastName}`.trim() })}
      </h1>
      <div className="mail__bar">
        <button
          type="button"
          className="button button--tertiary mail__folders-toggle"
          aria-expanded={pane === 'nav'}
          onClick={() => setPane(pane === 'nav' ? 'list' : 'nav')}
        >
          {t('mail.nav.toggle')}
        </button>
        {mailboxes ? (
          <SearchForm
            mailboxes={mailboxes}
            current={search}
            onSearch={showSearch}
            onClear={() => showSearch(null)}
          />
        ) : null}
        <span className="mail__bar-end">
          <Link to="home" className="mail__bar-link">
            {t('mail.bar.account')}
          </Link>
          <button type="button" className="button button--tertiary" onClick={onSignOut}>
            {t('shell.signOut')}
          </button>
        </span>
        {!push.connected ? (
          <p className="mail__offline" role="status">
            {t('mail.offline')}
          </p>
        ) : null}
        {notice ? (
          <p className="mail__notice" role="status">
            {notice}
          </p>
        ) : null}
      </div>
      <div className="mail__panes">
        <div className="mail__nav">
          {mailboxes ? (
            <MailboxNav
              mailboxes={mailboxes}
              selectedId={search ? null : mailboxId}
              onSelect={selectMailbox}
              savedSearches={saved}
              selectedSearchId={savedMatch?.id ?? null}
              onOpenSearch={(entry) => showSearch(entry.criteria)}
              onDeleteSearch={(entry) => updateSaved(saved.filter((s) => s.id !== entry.id))}
            />
          ) : null}
        </div>
        <div className="mail__list">
          <MessageList
            list={list}
            heading={heading}
            headingId="mail-list-heading"
            selectedId={emailId}
            showRecipients={mailbox?.role === 'sent' || mailbox?.role === 'drafts'}
            actions={
              search && !savedMatch ? (
                <button
                  type="button"
                  className="button button--tertiary mail-list__save"
                  onClick={() => {
                    const name = search.text.trim() || describeCriteria(search, t);
                    updateSaved([...saved, { id: crypto.randomUUID(), name, criteria: search }]);
                    setNotice(t('mail.search.savedNotice', { name }));
                  }}
                >
                  {t('mail.search.save')}
                </button>
              ) : null
            }
            onOpen={(email: EmailSummary) => {
              setEmailId(email.id);
              setPane('reader');
              setNotice(null);
            }}
          />
          {list.error ? (
            <Alert kind="error">
              <p>{describe(list.error)}</p>
            </Alert>
          ) : null}
        </div>
        <div className="mail__reader">
          {emailId && jmapSession && mailboxes ? (
            <Reader
              mail={mail}
              session={jmapSession}
              emailId={emailId}
              ownDomain={ownDomain}
              internalNames={internalNames}
              version={push.version}
              mailboxes={mailboxes}
              currentMailboxId={search ? null : mailboxId}
              onBack={backToList}
              onLeft={(text) => {
                setNotice(text);
                setEmailId(null);
                backToList();
              }}
              onKeywordChanged={onKeywordChanged}
              onSeen={(id) => {
                onKeywordChanged(id, '$seen', true);
                void mail
                  .setKeyword([id], '$seen', true)
                  .catch((error: unknown) => setNotice(describe(error)));
              }}
            />
          ) : (
            <p className="mail__no-selection">{t('mail.reader.none')}</p>
          )}
        </div>
      </div>
    </div>
  );
}
