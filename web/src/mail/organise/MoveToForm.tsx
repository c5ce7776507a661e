import { useId } from 'react';
import { useLocale, useT } from '../../i18n/locale-context';
import { intlLocale } from '../../i18n/translate';
import type { Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { flattenMailboxTree } from '../mailbox-tree';

export interface MoveToFormProps {
  mailboxes: readonly Mailbox[];
  /** The folder the messages are in, left out of the choices (null: none left out). */
  currentMailboxId: string | null;
  busy: boolean;
  onMove: (target: Mailbox) => void;
  className?: string;
}

/** "Move to [folder] [Move]": the keyboard and single-pointer way to move, besides drag and drop. */
export function MoveToForm({ mailboxes, currentMailboxId, busy, onMove, className }: MoveToFormProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const selectId = useId();
  const choices = flattenMailboxTree(mailboxes, intlLocale(locale)).filter(
    (n) => n.mailbox.id !== currentMailboxId,
  );
  return (
    <form
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        const id = new FormData(event.currentTarget).get('target');
        const target = mailboxes.find((m) => m.id === id);
        if (target) onMove(target);
      }}
    >
      <label htmlFor={selectId}>{t('mail.actions.moveTo')}</label>
      <select id={selectId} name="target" defaultValue="">
        <option value="" disabled>
          {t('mail.actions.chooseMailbox')}
        </option>
        {choices.map(({ mailbox, depth }) => (
          <option key={mailbox.id} value={mailbox.id}>
            {`${'\u00a0\u00a0'.repeat(depth)}${nameOf(mailbox)}`}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--secondary" disabled={busy}>
        {t('mail.actions.move')}
      </button>
    </form>
  );
}
