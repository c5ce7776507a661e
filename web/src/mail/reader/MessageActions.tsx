/**
 * The actions on the open message, as a toolbar of plain buttons: back to the list (phones), mark
 * unread, flag, archive, junk / not junk, delete (to the Trash; from the Trash, for good after
 * confirmation), move to a chosen mailbox. Failures are shown, never swallowed.
 */
import type { MessageId } from '../../i18n/fr';
import { useT } from '../../i18n/locale-context';
import { Alert } from '../../ui/Alert';
import type { ReplyMode } from '../compose/draft-model';
import type { MailApi } from '../jmap/mail-api';
import type { EmailDetail, Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { MoveToForm } from '../organise/MoveToForm';
import { deletesForGood, quickMoves } from '../organise/move-targets';
import { useMailAction } from '../use-mail-action';

const REPLIES: readonly { mode: ReplyMode; key: string; label: MessageId }[] = [
  { mode: 'reply', key: 'r', label: 'mail.actions.reply' },
  { mode: 'replyAll', key: 'a', label: 'mail.actions.replyAll' },
  { mode: 'forward', key: 'f', label: 'mail.actions.forward' },
];

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
  const nameOf = useMailboxName();
  const { busy, error, run } = useMailAction();
  const fromId = currentMailboxId ?? Object.keys(email.mailboxIds)[0] ?? '';
  const current = mailboxes.find((m) => m.id === fromId);
  const flagged = email.keywords.$flagged === true;

  const moveTo = (target: Mailbox) =>
    run(async () => {
      await mail.move([email.id], fromId, target.id);
      onLeft(t('mail.notice.moved', { mailbox: nameOf(target) }));
    });

  const currentRole = current?.role ?? null;

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
        {quickMoves(mailboxes, currentRole).map(({ label, target, shortcut }) => (
          <button
            key={label}
            type="button"
            className="button button--tertiary"
            data-shortcut={shortcut}
            aria-keyshortcuts={shortcut}
            disabled={busy}
            onClick={() => moveTo(target)}
          >
            {t(label)}
          </button>
        ))}
        {!deletesForGood(mailboxes, currentRole) ? null : (
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
        <MoveToForm
          className="reader__move"
          mailboxes={mailboxes}
          currentMailboxId={currentMailboxId}
          busy={busy}
          onMove={(target) => void moveTo(target)}
        />
      </div>
      {error ? (
        <Alert kind="error">
          <p>{error}</p>
        </Alert>
      ) : null}
    </div>
  );
}
