import { useCallback } from 'react';
import type { MessageId } from '../i18n/fr';
import { useT } from '../i18n/locale-context';
import type { Mailbox } from './jmap/types';

const ROLE_NAMES: Readonly<Record<string, MessageId>> = {
  inbox: 'mail.role.inbox',
  drafts: 'mail.role.drafts',
  sent: 'mail.role.sent',
  archive: 'mail.role.archive',
  junk: 'mail.role.junk',
  trash: 'mail.role.trash',
};

/** A role mailbox is named in the interface's language (INBOX → « Boîte de réception »). */
export function useMailboxName(): (mailbox: Mailbox) => string {
  const t = useT();
  return useCallback(
    (mailbox: Mailbox) => {
      const key = mailbox.role === null ? undefined : ROLE_NAMES[mailbox.role];
      return key ? t(key) : mailbox.name;
    },
    [t],
  );
}
