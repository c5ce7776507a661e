/**
 * The webmail: mailbox tree, message list and reader side by side on wide screens; one at a time on
 * phones (the list, or the reader full screen with a way back, or the folders).
 *
 * State: the selected mailbox and message. Push (use-push.ts) bumps `version`; the tree, the list
 * and the open message reload on it, so mail delivered by SMTP or changed over IMAP shows up within
 * a second without a reload.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionInfo } from '../../../common/api.js';
import { isApiError } from '../api/client';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { intlLocale } from '../i18n/translate';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { useDocumentTitle } from '../ui/page';
import type { SentInfo } from './compose/Composer';
import {
  type DraftContent,
  EMPTY_DRAFT,
  fromJmapEmail,
  type ReplyMode,
  replyDraft,
} from './compose/draft-model';
import { replyIdentity } from './compose/reply-identity';
import { fullDate } from './format';
import type { JmapSession } from './jmap/jmap-client';
import type { MailApi, MailQuota } from './jmap/mail-api';
import { UNDO_SECONDS } from './jmap/mail-api';
import { createMailboxApi } from './jmap/mailbox-api';
import type { EmailDetail, EmailSummary, Identity, Mailbox } from './jmap/types';
import { createVacationApi, vacationActive } from './jmap/vacation-api';
import { MailboxNav } from './MailboxNav';
import { MessageList } from './MessageList';
import { useMailboxName } from './mailbox-name';
import { findRole } from './mailbox-tree';
import { BulkActions } from './organise/BulkActions';
import { FolderDialog, type FolderEdit } from './organise/FolderDialog';
import { SelectAllBar } from './organise/SelectAllBar';
import {
  checkRows,
  isChecked,
  isEmpty,
  keepPresent,
  NO_SELECTION,
  type Selection,
  selectAllLine,
  selectAllMatching,
} from './organise/selection';
import { QuotaBar, quotaLevel } from './QuotaBar';
import { Reader } from './reader/Reader';
import { ShortcutsDialog } from './ShortcutsDialog';
import { SearchForm } from './search/SearchForm';
import { readSavedSearches, type SavedSearch, writeSavedSearches } from './search/saved-searches';
import {
  criteriaToFilter,
  describeCriteria,
  isEmptyCriteria,
  type SearchCriteria,
} from './search/search-criteria';
import { isInternal, normalizeName } from './sender-warnings';
import { isTyping, shortcutTarget } from './shortcuts';
import { useEmailList } from './use-email-list';
import { usePush } from './use-push';

// The composer and its editor are the heaviest code of the webmail: loaded when first needed.
const Composer = lazy(() => import('./compose/Composer'));

interface Composing {
  initial: DraftContent;
  draftId: string | null;
  /** A new composer each time (a reply after a draft): its state starts over. */
  key: number;
}

interface SentNotice {
  info: SentInfo;
  text: string;
}

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

const CONVERSATIONS_KEY = 'facteur.conversations';

/** After the selection is cleared (its toolbar gone): the focus on "select all", else the heading. */
function focusSelectAll() {
  (
    document.querySelector<HTMLElement>('.mail-list__all input') ??
    document.getElementById('mail-list-heading')
  )?.focus();
}

export function MailView({ mail, session, institution, onSignOut }: MailViewProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const [jmapSession, setJmapSession] = useState<JmapSession | null>(null);
  const [mailboxes, setMailboxes] = useState<Mailbox[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // The Inbox id remembered from the last visit lets the list load alongside the folders instead of
  // after them (the first screen after sign-in); a stale id is corrected when the folders arrive.
  const inboxKey = `facteur.inbox.${session.account.id}`;
  const [mailboxId, setMailboxId] = useState<string | null>(() => {
    try {
      return browserStorage()?.getItem(inboxKey) ?? null;
    } catch {
      return null;
    }
  });
  const [emailId, setEmailId] = useState<string | null>(null);
  const [pane, setPane] = useState<Pane>('list');
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState<SearchCriteria | null>(null);
  const [saved, setSaved] = useState<SavedSearch[]>(() => readSavedSearches(browserStorage()));
  const [identities, setIdentities] = useState<Identity[]>([]);
  const [composing, setComposing] = useState<Composing | null>(null);
  // Phones: the search form is shown on demand (it would take a third of the screen).
  const [searchOpen, setSearchOpen] = useState(false);
  const [sent, setSent] = useState<SentNotice | null>(null);
  // The messages checked for a bulk action (or every message of the query: organise/selection.ts),
  // whether an action on them runs, and the folder being created or edited.
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [folderEdit, setFolderEdit] = useState<FolderEdit | null>(null);
  // Bumped after a folder change, so the tree reloads without waiting for push.
  const [foldersVersion, setFoldersVersion] = useState(0);
  const mailboxApi = useMemo(() => createMailboxApi(mail.jmap), [mail]);
  const [quota, setQuota] = useState<MailQuota | null>(null);
  // Said in the bar while on, so nobody forgets it after the holidays.
  const [onVacation, setOnVacation] = useState(false);
  useEffect(() => {
    if (!jmapSession) return;
    createVacationApi(mail.jmap)
      .get()
      .then(
        (vacation) => setOnVacation(vacationActive(vacation, new Date())),
        () => setOnVacation(false),
      );
  }, [mail, jmapSession]);
  const composeCount = useRef(0);
  // Set when the user opens a message; the reader takes the focus once for it (see Reader).
  const focusReader = useRef(false);
  const push = usePush(jmapSession?.eventSourceUrl ?? null);
  const listHeadingRef = useRef<HTMLElement | null>(null);

  const describe = useCallback(
    (error: unknown) =>
      isApiError(error) ? describeProblem(error.problem, t, locale) : t('mail.error.generic'),
    [t, locale],
  );

  useEffect(() => {
    mail.jmap.session().then(setJmapSession, (error: unknown) => setLoadError(describe(error)));
    mail.identities().then(setIdentities, (error: unknown) => setLoadError(describe(error)));
  }, [mail, describe]);

  // New mail in the Inbox is said in the page (a live region) and, when the user allowed it and the
  // tab is hidden, by a system notification.
  const inboxUnread = useRef<number | null>(null);
  const announceNewMail = (list: Mailbox[]) => {
    const unread = findRole(list, 'inbox')?.unreadEmails ?? 0;
    const before = inboxUnread.current;
    inboxUnread.current = unread;
    if (before === null || unread <= before) return;
    const text = t('mail.newMail', { count: unread - before });
    setNotice(text);
    if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
      new Notification(t('app.serviceName'), { body: text, tag: 'facteur-new-mail' });
    }
  };
  const [notifications, setNotifications] = useState(() =>
    'Notification' in window ? Notification.permission : 'denied',
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on push
  useEffect(() => {
    if (!jmapSession) return;
    mail.mailboxes().then(
      ({ list }) => {
        announceNewMail(list);
        setMailboxes(list);
        setLoadError(null);
        const inbox = findRole(list, 'inbox') ?? list[0];
        try {
          if (inbox) browserStorage()?.setItem(inboxKey, inbox.id);
        } catch {
          // Storage refused (private mode): the next visit waits for the folders, nothing more.
        }
        setMailboxId((current) =>
          current && list.some((m) => m.id === current) ? current : (inbox?.id ?? null),
        );
      },
      (error: unknown) => setLoadError(describe(error)),
    );
  }, [mail, jmapSession, push.version, foldersVersion]);

  // The storage used moves with the messages: reread with them. A failure only hides the bar.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on push and folder changes
  useEffect(() => {
    if (!jmapSession) return;
    mail.quota().then(setQuota, () => setQuota(null));
  }, [mail, jmapSession, push.version, foldersVersion]);
  const quotaAlarm = quota && ['high', 'full'].includes(quotaLevel(quota)) ? quotaLevel(quota) : null;

  const filter = useMemo(
    () => (search ? criteriaToFilter(search) : mailboxId ? { inMailbox: mailboxId } : null),
    [search, mailboxId],
  );
  // One row per conversation or per message: the user's choice, remembered in this browser.
  const [conversations, setConversations] = useState(
    () => browserStorage()?.getItem(CONVERSATIONS_KEY) === '1',
  );
  const switchConversations = (on: boolean) => {
    setConversations(on);
    setEmailId(null);
    try {
      browserStorage()?.setItem(CONVERSATIONS_KEY, on ? '1' : '0');
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
  };
  const list = useEmailList(mail, filter, push.version, conversations);
  const loadedIds = useMemo(() => list.loaded.map((e) => e.id), [list.loaded]);
  const loadedRef = useRef(loadedIds);
  loadedRef.current = loadedIds;
  // Another folder, search or view: nothing checked. Checked messages gone from the list: unchecked
  // ("all matching" stays: its rows come and go as the list loads).
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new query only
  useEffect(() => setSelection(NO_SELECTION), [filter, conversations]);
  useEffect(() => setSelection((current) => keepPresent(current, loadedIds)), [loadedIds]);
  const onCheck = useCallback((ids: readonly string[], on: boolean) => {
    setSelection((current) => checkRows(current, ids, on, loadedRef.current));
  }, []);
  // Cleared by a button that goes with the selection: the focus goes to "select all".
  const clearSelection = useCallback(() => {
    setSelection(NO_SELECTION);
    requestAnimationFrame(() => focusSelectAll());
  }, []);
  // What the rows show checked: every loaded row in "all matching".
  const checked = useMemo(
    () => (selection.allMatching ? new Set(loadedIds) : selection.ids),
    [selection, loadedIds],
  );
  const checkedEmails = useMemo(
    () => (isEmpty(selection) ? [] : list.loaded.filter((e) => isChecked(selection, e.id))),
    [selection, list.loaded],
  );
  const allLine = selectAllLine(selection, loadedIds, list.total);

  const mailbox = search ? undefined : mailboxes?.find((m) => m.id === mailboxId);
  const heading = search ? t('mail.search.results') : mailbox ? nameOf(mailbox) : t('shell.loading');
  const allMatching = useMemo(
    () =>
      selection.allMatching && filter ? { filter, conversations, total: selection.allMatching.total } : null,
    [selection.allMatching, filter, conversations],
  );
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
    // Phones: the form (and its filters) would hide the results; "Rechercher" opens it again.
    setSearchOpen(false);
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
  // Messages moved or deleted out of the list (bulk action, drop on a folder). After "all matching",
  // nothing stays selected.
  const onEmailsLeft = (ids: readonly string[], text: string) => {
    setNotice(text);
    if (selection.allMatching) setSelection(NO_SELECTION);
    else onCheck(ids, false);
    if (emailId && ids.includes(emailId)) {
      setEmailId(null);
      backToList();
    }
  };

  const onKeywordChanged = useCallback(
    (id: string, keyword: string, on: boolean) => {
      list.patch(id, (email) => {
        const keywords = { ...email.keywords };
        if (on) keywords[keyword] = true;
        else delete keywords[keyword];
        // A conversation row: its messages had the keyword set or cleared together.
        const conversation = email.conversation && {
          ...email.conversation,
          ...(keyword === '$seen' ? { unread: !on } : {}),
          ...(keyword === '$flagged' ? { flagged: on } : {}),
        };
        return conversation ? { ...email, keywords, conversation } : { ...email, keywords };
      });
    },
    [list],
  );

  const drafts = mailboxes ? findRole(mailboxes, 'drafts') : undefined;
  const sentBox = mailboxes ? findRole(mailboxes, 'sent') : undefined;
  const own = useMemo(() => new Set(identities.map((i) => i.email.toLowerCase())), [identities]);

  const compose = useCallback((initial: DraftContent, draftId: string | null = null) => {
    composeCount.current += 1;
    setComposing({ initial, draftId, key: composeCount.current });
    setPane('reader');
    setNotice(null);
  }, []);

  const reply = (email: EmailDetail, mode: ReplyMode) => {
    const sender = email.from?.[0];
    const date = fullDate(email.sentAt ?? email.receivedAt, intlLocale(locale));
    compose(
      replyDraft(email, mode, own, replyIdentity(identities, email)?.id ?? '', {
        wrote: t('compose.quote.wrote', { date, name: sender ? (sender.name ?? sender.email) : '' }),
        forwarded: t('compose.quote.forwarded'),
      }),
    );
  };

  const editDraft = async (id: string) => {
    const draft = await mail.draftDetail(id);
    if (draft) compose(fromJmapEmail(draft, identities[0]?.id ?? ''), id);
  };

  // Addresses offered while typing recipients: those of the messages loaded.
  const knownAddresses = useMemo(() => {
    const seen = new Set<string>();
    for (let i = 0; i < Math.min(list.total ?? 0, 300); i++) {
      const row = list.rowAt(i);
      for (const a of [...(row?.from ?? []), ...(row?.to ?? [])]) {
        if (!own.has(a.email.toLowerCase())) seen.add(a.name ? `${a.name} <${a.email}>` : a.email);
      }
    }
    return [...seen].slice(0, 200);
  }, [list, own]);

  const undoSend = async (info: SentInfo) => {
    if (!drafts || !sentBox) return;
    setSent(null);
    try {
      const canceled = await mail.cancelSend(info.submissionId, info.emailId, {
        drafts: drafts.id,
        sent: sentBox.id,
      });
      // The composer opening clears notices: say it after.
      if (canceled) await editDraft(info.emailId);
      setNotice(t(canceled ? 'compose.sent.canceled' : 'compose.sent.tooLate'));
    } catch (error) {
      setNotice(describe(error));
    }
  };

  // The undo offer of a sent (not scheduled) message lasts as long as the server holds it.
  useEffect(() => {
    if (!sent || sent.info.scheduled) return;
    const timer = setTimeout(() => setSent(null), UNDO_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [sent]);

  // Keyboard shortcuts press the button that carries them (shortcuts.ts); "?" opens their list.
  const shortcutsDialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = shortcutTarget(event, document);
      if (!target) return;
      event.preventDefault();
      if (target instanceof HTMLInputElement) target.focus();
      else target.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Escape clears the selection, unless it is meant for what has the focus (a field, a dialog, the
  // composer or reader) or an action on the selection runs.
  const hasSelection = !isEmpty(selection);
  useEffect(() => {
    if (!hasSelection || bulkBusy) return;
    const onEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || isTyping(event.target)) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest?.('dialog, .mail__reader')) return;
      event.preventDefault();
      setSelection(NO_SELECTION);
      // The toolbar (and the focus, if it was there) goes: the focus goes to "select all".
      if (target?.closest?.('.bulk, .select-all') || target === document.body)
        requestAnimationFrame(() => focusSelectAll());
    };
    window.addEventListener('keydown', onEscape);
    return () => window.removeEventListener('keydown', onEscape);
  }, [hasSelection, bulkBusy]);

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
          className="button button--primary mail__compose"
          onClick={() => compose(EMPTY_DRAFT)}
        >
          {t('compose.new')}
        </button>
        <button
          type="button"
          className="button button--tertiary mail__folders-toggle"
          aria-expanded={pane === 'nav'}
          onClick={() => setPane(pane === 'nav' ? 'list' : 'nav')}
        >
          {t('mail.nav.toggle')}
        </button>
        <button
          type="button"
          className="button button--tertiary mail__search-toggle"
          aria-expanded={searchOpen}
          onClick={() => setSearchOpen(!searchOpen)}
        >
          {t('mail.search.submit')}
        </button>
        {mailboxes ? (
          <SearchForm
            open={searchOpen}
            mailboxes={mailboxes}
            current={search}
            onSearch={showSearch}
            onClear={() => showSearch(null)}
          />
        ) : null}
        <span className="mail__bar-end">
          <button
            type="button"
            className="button button--tertiary"
            data-shortcut="?"
            aria-keyshortcuts="?"
            onClick={() => shortcutsDialog.current?.showModal()}
          >
            {t('shortcuts.open')}
          </button>
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
        {onVacation ? (
          <p className="mail__vacation">
            {t('vacation.banner')} <Link to="vacation">{t('vacation.banner.link')}</Link>
          </p>
        ) : null}
        {quotaAlarm ? (
          <p className="mail__quota-alarm">
            {t(quotaAlarm === 'full' ? 'mail.quota.full' : 'mail.quota.almostFull')}
          </p>
        ) : null}
        {notice ? (
          <p className="mail__notice" role="status">
            {notice}
          </p>
        ) : null}
        {sent ? (
          <p className="mail__notice mail__sent" role="status">
            {sent.text}{' '}
            <button
              type="button"
              className="button button--secondary"
              onClick={() => void undoSend(sent.info)}
            >
              {t('compose.sent.undo')}
            </button>
          </p>
        ) : null}
      </div>
      <ShortcutsDialog ref={shortcutsDialog} />
      {folderEdit && mailboxes ? (
        <FolderDialog
          api={mailboxApi}
          edit={folderEdit}
          mailboxes={mailboxes}
          onClose={() => setFolderEdit(null)}
          onDone={(text, openId) => {
            setFolderEdit(null);
            setFoldersVersion((v) => v + 1);
            if (openId) selectMailbox(openId);
            setNotice(text);
          }}
        />
      ) : null}
      <div className="mail__panes">
        <div className="mail__nav">
          {notifications === 'default' ? (
            <p className="mail__notifications">
              <button
                type="button"
                className="button button--tertiary"
                onClick={() => void Notification.requestPermission().then(setNotifications)}
              >
                {t('mail.notifications.enable')}
              </button>
            </p>
          ) : null}
          <p className="mail__nav-account">
            <Link to="home">{t('mail.bar.account')}</Link>
            <button type="button" className="button button--tertiary" onClick={onSignOut}>
              {t('shell.signOut')}
            </button>
          </p>
          {mailboxes ? (
            <MailboxNav
              mailboxes={mailboxes}
              selectedId={search ? null : mailboxId}
              onSelect={selectMailbox}
              savedSearches={saved}
              selectedSearchId={savedMatch?.id ?? null}
              onOpenSearch={(entry) => showSearch(entry.criteria)}
              onDeleteSearch={(entry) => updateSaved(saved.filter((s) => s.id !== entry.id))}
              onDropEmails={(ids, target) => {
                mail.moveTo(ids, target.id).then(
                  () =>
                    onEmailsLeft(ids, t('mail.select.moved', { count: ids.length, mailbox: nameOf(target) })),
                  (error: unknown) => setNotice(describe(error)),
                );
              }}
              onCreateFolder={() => setFolderEdit({ kind: 'create', parentId: null })}
              onEditFolder={(mailbox) => setFolderEdit({ kind: 'edit', mailbox })}
            />
          ) : null}
          {quota ? <QuotaBar quota={quota} /> : null}
        </div>
        <div className="mail__list">
          {(checkedEmails.length > 0 || allMatching) && mailboxes ? (
            <BulkActions
              mail={mail}
              emails={checkedEmails}
              allMatching={allMatching}
              mailboxes={mailboxes}
              currentMailboxId={search ? null : mailboxId}
              onKeywordChanged={onKeywordChanged}
              onLeft={onEmailsLeft}
              onClear={clearSelection}
              onBusyChange={setBulkBusy}
            />
          ) : null}
          <SelectAllBar
            line={allLine}
            mailbox={search ? null : heading}
            conversations={conversations}
            busy={bulkBusy}
            onSelectAll={() => {
              if (list.total !== null) setSelection(selectAllMatching(list.total));
            }}
            onClear={clearSelection}
          />
          <MessageList
            checked={checked}
            onCheck={onCheck}
            allMatching={selection.allMatching !== null}
            conversations={conversations}
            onConversationsChange={switchConversations}
            list={list}
            heading={heading}
            headingId="mail-list-heading"
            selectedId={emailId}
            showRecipients={mailbox?.role === 'sent' || mailbox?.role === 'drafts'}
            actions={
              !search && (mailbox?.role === 'trash' || mailbox?.role === 'junk') && (list.total ?? 0) > 0 ? (
                <button
                  type="button"
                  className="button button--tertiary mail-list__save"
                  onClick={() => {
                    if (!mailbox || !window.confirm(t('mail.empty.confirm', { mailbox: nameOf(mailbox) })))
                      return;
                    setEmailId(null);
                    mail.emptyMailbox(mailbox.id).then(
                      (count) => setNotice(t('mail.empty.done', { count })),
                      (error: unknown) => setNotice(describe(error)),
                    );
                  }}
                >
                  {t(mailbox?.role === 'trash' ? 'mail.empty.trash' : 'mail.empty.junk')}
                </button>
              ) : search && !savedMatch ? (
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
              if (mailbox?.role === 'drafts') {
                setEmailId(email.id);
                void editDraft(email.id).catch((error: unknown) => setNotice(describe(error)));
                return;
              }
              setComposing(null);
              focusReader.current = true;
              setEmailId(email.id);
              // Opening a conversation reads all of it (the reader marks the message it shows).
              const unreadOthers = email.conversation?.unread ? email.conversation.emailIds : [];
              if (unreadOthers.length > 1) {
                onKeywordChanged(email.id, '$seen', true);
                void mail
                  .setKeyword(unreadOthers, '$seen', true)
                  .catch((error: unknown) => setNotice(describe(error)));
              }
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
          {composing && jmapSession && drafts && sentBox && identities.length > 0 ? (
            <Suspense fallback={<p role="status">{t('shell.loading')}</p>}>
              <Composer
                key={composing.key}
                mail={mail}
                session={jmapSession}
                identities={identities}
                mailboxes={{ drafts: drafts.id, sent: sentBox.id }}
                initial={composing.initial}
                draftId={composing.draftId}
                knownAddresses={knownAddresses}
                onClose={() => {
                  setComposing(null);
                  backToList();
                }}
                onSent={(info) => {
                  setComposing(null);
                  setSent({
                    info,
                    text: info.scheduled
                      ? t('compose.sent.scheduled', { date: fullDate(info.sendAt, intlLocale(locale)) })
                      : t('compose.sent.pending'),
                  });
                  backToList();
                }}
              />
            </Suspense>
          ) : emailId && jmapSession && mailboxes ? (
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
              onReply={reply}
              onOpenEmail={(id) => {
                focusReader.current = true;
                setEmailId(id);
              }}
              takeFocus={() => {
                const take = focusReader.current;
                focusReader.current = false;
                return take;
              }}
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
