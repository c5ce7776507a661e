import { type ReactNode, useId, useState } from 'react';
import type { PortalInfo } from '../../../common/api.js';
import { useLocale, useT } from '../i18n/locale-context';
import { readThemeChoice, setThemeChoice, type ThemeChoice } from '../ui/theme';
import { Announcements } from './Announcements';

/** Page frame: skip link, header (institution, language), announcements, main landmark, footer (help). */
export function Frame({
  portal,
  layout = 'page',
  children,
}: {
  portal: PortalInfo | null;
  /** `app`: the webmail, filling the window below the header, without footer. */
  layout?: 'page' | 'app';
  children: ReactNode;
}) {
  const t = useT();
  const institution = portal?.institutionName ?? t('app.defaultInstitution');
  return (
    <div className={`frame frame--${layout}`}>
      <a className="skip-link" href="#content">
        {t('shell.skipToContent')}
      </a>
      <header className="header">
        <div className="header__inner">
          <div className="brand">
            {portal?.logoUrl ? (
              <img className="brand__logo" src={portal.logoUrl} alt={t('app.logoAlt', { institution })} />
            ) : null}
            <div className="brand__text">
              <p className="brand__institution">{institution}</p>
              <p className="brand__service">{t('app.tagline')}</p>
            </div>
          </div>
          <div className="header__tools">
            <ThemeSwitch />
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <Announcements announcements={portal?.announcements ?? []} />
      <main id="content" className="main" tabIndex={-1}>
        {children}
      </main>
      {layout === 'app' ? null : (
        <footer className="footer">
          <div className="footer__inner">
            <p>{t('shell.footer.about', { institution })}</p>
            <p className="footer__privacy">{t('shell.footer.privacy')}</p>
            {portal?.helpUrl ? (
              <p>
                <a href={portal.helpUrl}>{t('shell.footer.help')}</a>
              </p>
            ) : null}
          </div>
        </footer>
      )}
    </div>
  );
}

/** Automatic (the system's), light or dark: a native select, labelled (the label hidden on phones). */
function ThemeSwitch() {
  const t = useT();
  const id = useId();
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);
  return (
    <span className="theme-switch">
      <label className="theme-switch__label" htmlFor={id}>
        {t('shell.theme.label')}
      </label>
      <select
        id={id}
        value={choice}
        onChange={(event) => {
          const next = event.currentTarget.value as ThemeChoice;
          setThemeChoice(next);
          setChoice(next);
        }}
      >
        <option value="system">{t('shell.theme.system')}</option>
        <option value="light">{t('shell.theme.light')}</option>
        <option value="dark">{t('shell.theme.dark')}</option>
      </select>
    </span>
  );
}

/** One button naming the other language in that language ("English" / "Français"). */
function LanguageSwitch() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  return (
    <button
      type="button"
      className="language-switch"
      lang={t('shell.languageSwitchLang')}
      onClick={() => setLocale(locale === 'fr' ? 'en' : 'fr')}
    >
      <svg className="language-switch__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm6.9 6h-2.9a15.7 15.7 0 0 0-1.4-3.6A8 8 0 0 1 18.9 8zM12 4c.8 1.2 1.5 2.5 1.9 4h-3.8c.4-1.4 1.1-2.8 1.9-4zM4.3 14a8.2 8.2 0 0 1 0-4h3.4a16.5 16.5 0 0 0 0 4H4.3zm.8 2h2.9c.3 1.3.8 2.5 1.4 3.6A8 8 0 0 1 5.1 16zM8 8H5.1a8 8 0 0 1 4.3-3.6C8.8 5.5 8.4 6.7 8 8zm4 12c-.8-1.2-1.5-2.5-1.9-4h3.8c-.4 1.4-1.1 2.8-1.9 4zm2.3-6H9.7a14.7 14.7 0 0 1 0-4h4.6a14.7 14.7 0 0 1 0 4zm.3 5.6c.6-1.1 1.1-2.3 1.4-3.6h2.9a8 8 0 0 1-4.3 3.6zm1.7-5.6a16.5 16.5 0 0 0 0-4h3.4a8.2 8.2 0 0 1 0 4h-3.4z"
        />
      </svg>
      {t('shell.languageSwitch')}
    </button>
  );
}
