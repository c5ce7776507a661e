import type { ReactNode } from 'react';
import { useT } from '../i18n/locale-context';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PageHeading } from '../ui/page';
import { Breadcrumb } from './Breadcrumb';

export type SettingsLoad = 'loading' | 'ready' | 'error';

/**
 * The frame of a settings page read from the server: breadcrumb, heading (focused after an in-app
 * navigation), introduction, then the loading state, an error with a retry, or the content; a link
 * back to the mail closes it.
 */
export function SettingsPage({
  id,
  title,
  intro,
  focusHeading,
  load,
  loadError,
  onRetry,
  children,
}: {
  id: string;
  title: string;
  intro: string;
  focusHeading: boolean;
  load: SettingsLoad;
  loadError: string;
  onRetry: () => void;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <div className={id}>
      <Breadcrumb current={title} />
      <section className="card card--wide" aria-labelledby={`${id}-heading`}>
        <PageHeading id={`${id}-heading`} focusOnMount={focusHeading}>
          {title}
        </PageHeading>
        <p className="lead">{intro}</p>
        {load === 'loading' ? (
          <p className="loading" role="status">
            {t('shell.loading')}
          </p>
        ) : null}
        {load === 'error' ? (
          <>
            <Alert kind="error" title={loadError} />
            <Button variant="secondary" onClick={onRetry}>
              {t('shell.error.retry')}
            </Button>
          </>
        ) : null}
        {load === 'ready' ? children : null}
        <p>
          <Link to="mail">{t('home.mail.link')}</Link>
        </p>
      </section>
    </div>
  );
}
