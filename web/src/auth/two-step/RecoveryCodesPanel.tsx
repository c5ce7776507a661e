import { useEffect, useRef, useState } from 'react';
import { useLocale } from '../../i18n/locale-context';
import { usePageT } from '../../i18n/page-messages';
import { intlLocale } from '../../i18n/translate';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { copyText } from '../../ui/clipboard';
import { twoStepMessages } from './messages';

/**
 * The recovery codes, shown once: focused on arrival so a screen reader reads them, to copy or to
 * download as a text file, then dismissed by the user.
 */
export function RecoveryCodesPanel({
  codes,
  address,
  justEnabled,
  doneLabel,
  onDone,
}: {
  codes: string[];
  address: string;
  /** Two-step verification was just turned on (said before the codes). */
  justEnabled: boolean;
  doneLabel?: string;
  onDone: () => void;
}) {
  const t = usePageT(twoStepMessages);
  const { locale } = useLocale();
  const [announcement, setAnnouncement] = useState('');
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, []);

  useEffect(() => {
    const date = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long' }).format(new Date());
    const text = `${t('codes.fileHeading', { address, date })}\n\n${codes.join('\n')}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [codes, address, locale, t]);

  const copy = async () => {
    const ok = await copyText(codes.join('\n'), listRef.current);
    setAnnouncement(ok ? t('codes.copied') : t('codes.copyFailed'));
  };

  return (
    <section className="recovery-codes" ref={ref} tabIndex={-1} aria-labelledby="recovery-codes-heading">
      {justEnabled ? <Alert kind="success" title={t('codes.enabled')} /> : null}
      <h2 id="recovery-codes-heading">{t('codes.title')}</h2>
      <p>{t('codes.intro')}</p>
      <ol className="recovery-codes__list" ref={listRef} aria-label={t('codes.listLabel')}>
        {codes.map((code) => (
          <li key={code}>
            <code lang="">{code}</code>
          </li>
        ))}
      </ol>
      <p className="recovery-codes__actions">
        <Button variant="secondary" onClick={() => void copy()}>
          {t('codes.copy')}
        </Button>
        {downloadUrl ? (
          <a className="button button--secondary" href={downloadUrl} download={t('codes.fileName')}>
            {t('codes.download')}
          </a>
        ) : null}
      </p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      <Button onClick={onDone}>{doneLabel ?? t('codes.done')}</Button>
    </section>
  );
}
