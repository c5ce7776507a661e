import { useState } from 'react';
import type { Announcement } from '../../../common/api.js';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import { hide, readHidden } from './announcements-hidden';

/**
 * The administrators' current announcements (`facteur announce`), above every page: the sign-in
 * page and the webmail. Planned maintenance says when. Each can be closed (remembered in the browser).
 * Text is rendered as text: it comes from the server, never as markup.
 */
export function Announcements({ announcements }: { announcements: readonly Announcement[] }) {
  const t = useT();
  const { locale } = useLocale();
  const [hidden, setHidden] = useState<readonly string[]>(() => readHidden());
  const shown = announcements.filter((a) => !hidden.includes(a.id));
  if (shown.length === 0) return null;
  const when = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeStyle: 'short' });
  return (
    <section className="announcements" aria-labelledby="announcements-heading">
      <h2 id="announcements-heading" className="visually-hidden">
        {t('announcements.heading')}
      </h2>
      <ul className="announcements__list">
        {shown.map((a) => {
          const text = a.text[locale];
          return (
            <li key={a.id} className={`announcement announcement--${a.kind}`}>
              <div className="announcement__content">
                <p className="announcement__kind">{t(`announcements.kind.${a.kind}`)}</p>
                <h3 className="announcement__title">{text.title}</h3>
                {a.kind === 'maintenance' ? (
                  <p className="announcement__when">
                    {t('announcements.when', {
                      range: when.formatRange(new Date(a.startsAt), new Date(a.endsAt)),
                    })}
                  </p>
                ) : null}
                <p className="announcement__body">{text.body}</p>
              </div>
              <button
                type="button"
                className="announcement__close"
                aria-label={t('announcements.close', { title: text.title })}
                onClick={() => setHidden(hide(a.id))}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
