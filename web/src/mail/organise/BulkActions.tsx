/**
 * The toolbar of the checked messages: mark read or unread, flag or unflag, archive, junk or not,
 * delete (to the Trash; from the Trash, for good after confirmation), move to a folder, uncheck all.
 * While it is shown, "e" and "#" act on the checked messages (it comes before the reader in the page,
 * and a shortcut presses the first button carrying it), as in Gmail.
 *
 * With "all matching" (every message of the folder or search, loaded or not), each action reads the
 * ids and changes them by batches (all-matching-api.ts), its progress said in a polite status; a
 * failure says how many were done (they stay so). The keywords of messages not loaded are unknown,
 * so both "read" and "unread", "flag" and "unflag" are offered then.
 */
import { useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import type { MessageId } from '../../i18n/fr';
import { useLocale, useT } from '../../i18n/locale-context';
import { describeProblem } from '../../i18n/problem-message';
import { intlLocale } from '../../i18n/translate';
import type { EmailFilter, MailApi } from '../jmap/mail-api';
import type { EmailSummary, Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { useMailAction } from '../use-mail-action';
import { type BulkChange, type BulkProgress, createAllMatchingApi } from './all-matching-api';
import { BatchFailure } from './batches';
import { MoveToForm } from './MoveToForm';
import { messagesOf } from './messages-of';
import { deletesForGood, quickMoves } from './move-targets';

/** Every message of the query is selected, not only the checked rows. */
export interface AllMatching {
  filter: EmailFilter;
  conversations: boolean;
  /** The rows of the query when "all" was chosen (what the toolbar counts). */
  total: number;
}

export interface BulkActionsProps {
  mail: MailApi;
  /** The checked messages (those loaded: their keywords decide what "mark" offers). */
  emails: readonly EmailSummary[];
  /** Set when every message the query matches is selected: the actions apply to all of them. */
  allMatching?: AllMatching | null;
  mailboxes: readonly Mailbox[];
  /** The folder shown; null in search results. */
  currentMailboxId: string | null;
  onKeywordChanged: (emailId: string, keyword: string, on: boolean) => void;
  /** The messages left the list (moved, deleted): `notice` says where. */
  onLeft: (emailIds: readonly string[], notice: string) => void;
  onClear: () => void;
  /** Said while an action runs (the selection must not change under it). */
  onBusyChange?: (busy: boolean) => void;
}

export function BulkActions({
  mail,
  emails,
  allMatching = null,
  mailboxes,
  currentMailboxId,
  onKeywordChanged,
  onLeft,
  onClear,
  onBusyChange,
}: BulkActionsProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const { busy, error, run } = useMailAction();
  const allApi = useMemo(() => createAllMatchingApi(mail.jmap), [mail]);
  const [progress, setProgress] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => onBusyChange?.(busy), [busy, onBusyChange]);
  // Gone with the toolbar (the selection cleared): nothing runs any more.
  useEffect(() => () => onBusyChange?.(false), [onBusyChange]);
  const format = useMemo(() => {
    const numbers = new Intl.NumberFormat(intlLocale(locale));
    return (n: number) => numbers.format(n);
  }, [locale]);

  const ids = messagesOf(emails);
  const currentRole = mailboxes.find((m) => m.id === currentMailboxId)?.role ?? null;
  const allRead = emails.every((e) => (e.conversation ? !e.conversation.unread : e.keywords.$seen));
  const allFlagged = emails.every((e) => (e.conversation ? e.conversation.flagged : e.keywords.$flagged));
  const count = allMatching ? allMatching.total : emails.length;

  const report = (step: BulkProgress) =>
    setProgress(
      step.phase === 'finding'
        ? t('mail.select.allFinding', {
            done: format(step.done),
            total: format(step.total ?? allMatching?.total ?? step.done),
          })
        : t('mail.select.allProgress', { done: format(step.done), total: format(step.total ?? step.done) }),
    );

  /** Every message of the query: ids read, then changed by batches; `after` when all are done. */
  const runAll = (change: BulkChange, after: (ids: readonly string[]) => void) =>
    run(async () => {
      if (!allMatching) return;
      setFailure(null);
      let found: string[] = [];
      try {
        found = await allApi.matchingIds(allMatching.filter, allMatching.conversations, report);
        await allApi.apply(found, change, report);
      } catch (caught) {
        const stopped =
          caught instanceof BatchFailure
            ? caught
            : new BatchFailure(0, found.length || allMatching.total, caught);
        setProgress(null);
        setFailure(
          t('mail.select.allFailed', {
            done: format(stopped.done),
            total: format(stopped.total),
            reason: isApiError(stopped.cause)
              ? describeProblem(stopped.cause.problem, t, locale)
              : t('mail.error.action'),
          }),
        );
        return;
      }
      setProgress(t('mail.select.allDone', { count: format(found.length) }));
      after(found);
    });

  const mark = (keyword: string, on: boolean) => {
    if (allMatching) {
      // The rows on screen change now; the others when the list reloads (push).
      return runAll({ kind: 'keyword', keyword, on }, () => {
        for (const id of ids) onKeywordChanged(id, keyword, on);
      });
    }
    return run(async () => {
      await mail.setKeyword(ids, keyword, on);
      for (const id of ids) onKeywordChanged(id, keyword, on);
    });
  };

  const moveTo = (target: Mailbox) => {
    if (allMatching) {
      return runAll({ kind: 'move', to: target.id }, (moved) =>
        onLeft(moved, t('mail.select.moved', { count: format(moved.length), mailbox: nameOf(target) })),
      );
    }
    return run(async () => {
      await mail.moveTo(ids, target.id);
      onLeft(ids, t('mail.select.moved', { count: ids.length, mailbox: nameOf(target) }));
    });
  };

  const destroy = () => {
    if (!window.confirm(t('mail.select.destroyConfirm', { count: format(count) }))) return;
    if (allMatching) {
      void runAll({ kind: 'destroy' }, (gone) =>
        onLeft(gone, t('mail.select.destroyed', { count: format(gone.length) })),
      );
      return;
    }
    void run(async () => {
      await mail.destroy(ids);
      onLeft(ids, t('mail.select.destroyed', { count: ids.length }));
    });
  };

  const button = (label: MessageId, onClick: () => void, shortcut?: string) => (
    <button
      key={label}
      type="button"
      className="button button--tertiary"
      data-shortcut={shortcut}
      aria-keyshortcuts={shortcut}
      disabled={busy}
      onClick={onClick}
    >
      {t(label)}
    </button>
  );

  // Keywords of messages not loaded are unknown: then both ways are offered.
  const markChoices: [MessageId, string, boolean][] = allMatching
    ? [
        ['mail.select.markRead', '$seen', true],
        ['mail.select.markUnread', '$seen', false],
        ['mail.actions.flag', '$flagged', true],
        ['mail.select.unflag', '$flagged', false],
      ]
    : [
        [allRead ? 'mail.select.markUnread' : 'mail.select.markRead', '$seen', !allRead],
        [allFlagged ? 'mail.select.unflag' : 'mail.actions.flag', '$flagged', !allFlagged],
      ];

  return (
    <div className="bulk">
      <div className="bulk__toolbar" role="toolbar" aria-label={t('mail.select.toolbar')}>
        <p className="bulk__count" role="status">
          {t('mail.select.count', { count: format(count) })}
        </p>
        {markChoices.map(([label, keyword, on]) => button(label, () => void mark(keyword, on)))}
        {quickMoves(mailboxes, currentRole).map(({ label, target, shortcut }) =>
          button(label, () => void moveTo(target), shortcut),
        )}
        {deletesForGood(mailboxes, currentRole) ? button('mail.actions.destroy', destroy) : null}
        <MoveToForm
          className="bulk__move"
          mailboxes={mailboxes}
          currentMailboxId={currentMailboxId}
          busy={busy}
          onMove={(target) => void moveTo(target)}
        />
        {button('mail.select.clear', onClear)}
      </div>
      <p className={`bulk__progress${progress ? '' : ' bulk__progress--empty'}`} role="status">
        {progress}
      </p>
      {error || failure ? (
        <p className="bulk__error" role="alert">
          {failure ?? error}
        </p>
      ) : null}
    </div>
  );
}
