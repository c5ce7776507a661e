import { useEffect, useState } from 'react';
import { useLocale, useT } from '../../i18n/locale-context';
import { intlLocale } from '../../i18n/translate';
import { displayName, listDate } from '../format';
import type { MailApi } from '../jmap/mail-api';
import type { EmailSummary } from '../jmap/types';

/** The other messages of the open message's conversation (when there are), to open them in turn. */
export function ThreadList({
  mail,
  threadId,
  currentId,
  version,
  onOpen,
}: {
  mail: MailApi;
  threadId: string;
  currentId: string;
  version: number;
  onOpen: (emailId: string) => void;
}) {
  const t = useT();
  const { locale } = useLocale();
  const [emails, setEmails] = useState<EmailSummary[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on push
  useEffect(() => {
    let live = true;
    mail.thread(threadId).then(
      (list) => live && setEmails(list),
      () => live && setEmails([]),
    );
    return () => {
      live = false;
    };
  }, [mail, threadId, version]);
  if (emails.length < 2) return null;
  const intl = intlLocale(locale);
  return (
    <section className="reader__thread" aria-label={t('mail.thread.label', { count: emails.length })}>
      <h3>{t('mail.thread.label', { count: emails.length })}</h3>
      <ol>
        {emails.map((email) => {
          const who = email.from?.[0] ? displayName(email.from[0]) : t('mail.noSender');
          const label = `${who} — ${email.subject?.trim() || t('mail.noSubject')} — ${listDate(email.receivedAt, intl)}`;
          return (
            <li key={email.id}>
              {email.id === currentId ? (
                <span aria-current="true" className="reader__thread-current">
                  {label}
                </span>
              ) : (
                <button type="button" className="reader__thread-link" onClick={() => onOpen(email.id)}>
                  {label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
