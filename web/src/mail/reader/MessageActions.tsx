/**
 * The actions on the open message, as a toolbar of plain buttons: back to the list (phones), mark
 * unread, flag, archive, junk / not junk, delete (to the Trash; from the Trash, for good after
 * confirmation), move to a chosen mailbox. Failures are shown, never swallowed.
 */
import { useId, useState } from 'react';
import { isApiError } from '../../api/client';
import type { MessageId } from '../../i18n/fr';
import { useLocale, useT } from '../../i18n/locale-context';
import { describeProblem } from '../../i18n/problem-message';
import { intlLocale } from '../../i18n/translate';
import { Alert } from '../../ui/Alert';
import type { ReplyMode } from '../compose/draft-model';
import type { MailApi } from '../jmap/mail-api';
import type { EmailDetail, Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { findRole, flattenMailboxTree } from '../mailbox-tree';

const REPLIES: readonly { mode: ReplyMode; key: string; label: MessageId }[] = [
  { mode: 'reply', key: 'r', label: 'mail.actions.reply' },
  { mode: 'replyAll', key: 'a', label: 'mail.actions.replyAll' },
  { mode: 'forward', key: 'f', label: 'mail.actions.forward' },
];

const MOVE_SHORTCUTS: Partial<Record<MessageId, string>> = {
  'mail.actions.archive': 'e',
  'mail.actions.delete': '#',
};

export interface MessageActionsProps {
  mail: MailApi;
  email: EmailDetail;
  mailboxes: readonly Mailbox[];
  /** The folder the message is shown from; null in search results (then: its own folder). */
  currentMailboxId: string | null;
  onBack: () => void;
  /** The message left the current mailbox (moved, archived, deleted): `notice` says where. */
  onLeft: (notice: string) => void;
  onKeywordChanged: (emailId: string, keyword: string, on: boolean) => void;
  onReply: (email: EmailDetail, mode: ReplyMode) => void;
}

export function MessageActions({
  mail,
  email,
  mailboxes,
  currentMailboxId,
  onBack,
  onLeft,
  onKeywordChanged,
  onReply,
}: MessageActionsProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const moveId = useId();
  const fromId = currentMailboxId ?? Object.keys(email.mailboxIds)[0] ?? '';
  const current = mailboxes.find((m) => m.id === fromId);
  const archive = findRole(mailboxes, 'archive');
  const junk = findRole(mailboxes, 'junk');
  const trash = findRole(mailboxes, 'trash');
  const inbox = findRole(mailboxes, 'inbox');
  const flagged = email.keywords.$flagged === true;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(isApiError(caught) ? describeProblem(caught.problem, t, locale) : t('mail.error.action'));
    } finally {
      setBusy(false);
    }
  };

  const moveTo = (target: Mailbox) =>
    run(async () => {
      await mail.move([email.id], fromId, target.id);
      onLeft(t('mail.notice.moved', { mailbox: nameOf(target) }));
    });

  // One-click moves offered for the current mailbox: archive, junk or not, delete (to the Trash).
  const quickMoves: { label: MessageId; target: Mailbox }[] = [];
  const offer = (label: MessageId, target: Mailbox | undefined, when: boolean) => {
    if (target && when) quickMoves.push({ label, target });
  };
  offer('mail.actions.archive', archive, current?.role !== 'archive');
  offer('mail.actions.junk', junk, current?.role !== 'junk');
  offer('mail.actions.notJunk', inbox, current?.role === 'junk');
  offer('mail.actions.delete', trash, current?.role !== 'trash');

  const others = flattenMailboxTree(mailboxes, intlLocale(locale)).filter(
    (n) => n.mailbox.id !== currentMailboxId,
  );

  return (
    <div className="reader__toolbar-wrap">
      <div className="reader__toolbar" role="toolbar" aria-label={t('mail.actions.label')}>
        <button
          type="button"
          className="button button--tertiary reader__back"
          data-shortcut="u"
          aria-keyshortcuts="u"
          onClick={onBack}
        >
          {t('mail.actions.back')}
        </button>
        {REPLIES.map(({ mode, key, label }) => (
          <button
            key={mode}
            type="button"
            className={`button button--${mode === 'reply' ? 'secondary' : 'tertiary'}`}
            data-shortcut={key}
            aria-keyshortcuts={key}
            onClick={() => onReply(email, mode)}
          >
            {t(label)}
          </button>
        ))}
        <button
          type="button"
          className="button button--tertiary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await mail.setKeyword([email.id], '$seen', false);
              onKeywordChanged(email.id, '$seen', false);
              onBack();
            })
          }
        >
          {t('mail.actions.markUnread')}
        </button>
        <button
          type="button"
          className="button button--tertiary"
          aria-pressed={flagged}
          data-shortcut="s"
          aria-keyshortcuts="s"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await mail.setKeyword([email.id], '$flagged', !flagged);
              onKeywordChanged(email.id, '$flagged', !flagged);
            })
          }
        >
          {t('mail.actions.flag')}
        </button>
        {quickMoves.map(({ label, target }) => (
          <button
            key={label}
            type="button"
            className="button button--tertiary"
            data-shortcut={MOVE_SHORTCUTS[label]}
            aria-keyshortcuts={MOVE_SHORTCUTS[label]}
            disabled={busy}
            onClick={() => moveTo(target)}
          >
            {t(label)}
          </button>
        ))}
        {trash && current?.role !== 'trash' ? null : (
          <button
            type="button"
            className="button button--tertiary"
            disabled={busy}
            onClick={() => {
              if (!window.confirm(t('mail.actions.destroyConfirm'))) return;
              void run(async () => {
                await mail.destroy([email.id]);
                onLeft(t('mail.notice.destroyed'));
              });
            }}
          >
            {t('mail.actions.destroy')}
          </button>
        )}
        <form
          className="reader__move"
          onSubmit={(event) => {
            event.preventDefault();
            const id = new FormData(event.currentTarget).get('target');
            const target = mailboxes.find((m) => m.id === id);
            if (target) void moveTo(target);
          }}
        >
          <label htmlFor={moveId}>{t('mail.actions.moveTo')}</label>
          <select id={moveId} name="target" defaultValue="">
            <option value="" disabled>
              {t('mail.actions.chooseMailbox')}
            </option>
            {others.map(({ mailbox, depth }) => (
              <option key={mailbox.id} value={mailbox.id}>
                {`${'\u00a0\u00a0'.repeat(depth)}${nameOf(mailbox)}`}
              </option>
            ))}
          </select>
          <button type="submit" className="button button--secondary" disabled={busy}>
            {t('mail.actions.move')}
          </button>
        </form>
      </div>
      {error ? (
        <Alert kind="error">
          <p>{error}</p>
        </Alert>
      ) : null}
    </div>
  );
}
