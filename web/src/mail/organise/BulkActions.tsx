/**
 * The toolbar of the checked messages: mark read or unread, flag or unflag, archive, junk or not,
 * delete (to the Trash; from the Trash, for good after confirmation), move to a folder, uncheck all.
 * While it is shown, "e" and "#" act on the checked messages (it comes before the reader in the page,
 * and a shortcut presses the first button carrying it), as in Gmail.
 */
import type { MessageId } from '../../i18n/fr';
import { useT } from '../../i18n/locale-context';
import type { MailApi } from '../jmap/mail-api';
import type { EmailSummary, Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { useMailAction } from '../use-mail-action';
import { MoveToForm } from './MoveToForm';
import { messagesOf } from './messages-of';
import { deletesForGood, quickMoves } from './move-targets';

export interface BulkActionsProps {
  mail: MailApi;
  /** The checked messages (those loaded: their keywords decide what "mark" offers). */
  emails: readonly EmailSummary[];
  mailboxes: readonly Mailbox[];
  /** The folder shown; null in search results. */
  currentMailboxId: string | null;
  onKeywordChanged: (emailId: string, keyword: string, on: boolean) => void;
  /** The messages left the list (moved, deleted): `notice` says where. */
  onLeft: (emailIds: readonly string[], notice: string) => void;
  onClear: () => void;
}

export function BulkActions({
  mail,
  emails,
  mailboxes,
  currentMailboxId,
  onKeywordChanged,
  onLeft,
  onClear,
}: BulkActionsProps) {
  const t = useT();
  const nameOf = useMailboxName();
  const { busy, error, run } = useMailAction();
  const ids = messagesOf(emails);
  const currentRole = mailboxes.find((m) => m.id === currentMailboxId)?.role ?? null;
  const allRead = emails.every((e) => (e.conversation ? !e.conversation.unread : e.keywords.$seen));
  const allFlagged = emails.every((e) => (e.conversation ? e.conversation.flagged : e.keywords.$flagged));

  const mark = (keyword: string, on: boolean) =>
    run(async () => {
      await mail.setKeyword(ids, keyword, on);
      for (const id of ids) onKeywordChanged(id, keyword, on);
    });

  const moveTo = (target: Mailbox) =>
    run(async () => {
      await mail.moveTo(ids, target.id);
      onLeft(ids, t('mail.select.moved', { count: ids.length, mailbox: nameOf(target) }));
    });

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

  return (
    <div className="bulk">
      <div className="bulk__toolbar" role="toolbar" aria-label={t('mail.select.toolbar')}>
        <p className="bulk__count" role="status">
          {t('mail.select.count', { count: emails.length })}
        </p>
        {button(
          allRead ? 'mail.select.markUnread' : 'mail.select.markRead',
          () => void mark('$seen', !allRead),
        )}
        {button(
          allFlagged ? 'mail.select.unflag' : 'mail.actions.flag',
          () => void mark('$flagged', !allFlagged),
        )}
        {quickMoves(mailboxes, currentRole).map(({ label, target, shortcut }) =>
          button(label, () => void moveTo(target), shortcut),
        )}
        {deletesForGood(mailboxes, currentRole)
          ? button('mail.actions.destroy', () => {
              if (!window.confirm(t('mail.select.destroyConfirm', { count: ids.length }))) return;
              void run(async () => {
                await mail.destroy(ids);
                onLeft(ids, t('mail.select.destroyed', { count: ids.length }));
              });
            })
          : null}
        <MoveToForm
          className="bulk__move"
          mailboxes={mailboxes}
          currentMailboxId={currentMailboxId}
          busy={busy}
          onMove={(target) => void moveTo(target)}
        />
        {button('mail.select.clear', onClear)}
      </div>
      {error ? (
        <p className="bulk__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
