/**
 * How full the mailbox is: a bar and a sentence (the sentence carries everything; the bar is only
 * its picture). From 80 % it warns and says what to do; at 100 % it says mail is refused
 * (PRODUCT: warnings at 80/90/100 %).
 */
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import { byteSize } from './format';
import type { MailQuota } from './jmap/mail-api';

export type QuotaLevel = 'ok' | 'warn' | 'high' | 'full';

export function quotaLevel(quota: MailQuota): QuotaLevel {
  const ratio = quota.used / quota.hardLimit;
  if (ratio >= 1) return 'full';
  if (ratio >= 0.9) return 'high';
  if (ratio >= 0.8) return 'warn';
  return 'ok';
}

export function QuotaBar({ quota }: { quota: MailQuota }) {
  const t = useT();
  const { locale } = useLocale();
  const intl = intlLocale(locale);
  const percent = Math.min(100, Math.floor((quota.used / quota.hardLimit) * 100));
  const level = quotaLevel(quota);
  return (
    <div className={`quota quota--${level}`}>
      <p className="quota__text">
        {t('mail.quota.usage', {
          used: byteSize(quota.used, intl),
          limit: byteSize(quota.hardLimit, intl),
          percent,
        })}
      </p>
      <div className="quota__bar" aria-hidden="true">
        <div className="quota__fill" style={{ width: `${percent}%` }} />
      </div>
      {level === 'ok' ? null : (
        <p className="quota__warning">{t(level === 'full' ? 'mail.quota.full' : 'mail.quota.almostFull')}</p>
      )}
    </div>
  );
}
