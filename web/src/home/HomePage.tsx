import type { PortalInfo, SessionInfo } from '../../../common/api.js';
import { useT } from '../i18n/locale-context';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PageHeading, useDocumentTitle } from '../ui/page';

export interface HomePageProps {
  session: SessionInfo;
  portal: PortalInfo | null;
  notice?: 'passwordChanged';
  onSignOut: () => void;
  focusHeading: boolean;
}

/** Signed-in landing page; the webmail will live here. Shows who is signed in and how to leave. */
export function HomePage({ session, portal, notice, onSignOut, focusHeading }: HomePageProps) {
  const t = useT();
  const { account } = session;
  const fullName = `${account.firstName} ${account.lastName}`.trim();
  const institution = portal?.institutionName ?? t('app.defaultInstitution');
  useDocumentTitle([t('title.home'), t('app.serviceName'), portal?.institutionName]);
  return (
    <section className="card card--wide" aria-labelledby="home-heading">
      <PageHeading id="home-heading" focusOnMount={focusHeading}>
        {t('home.heading', { name: fullName })}
      </PageHeading>
      {notice === 'passwordChanged' ? (
        <Alert kind="success" role="status">
          <p>{t('changePassword.success')}</p>
        </Alert>
      ) : null}
      <p className="lead">{t('home.intro', { institution })}</p>
      <p>
        <Link to="mail" className="button button--primary">
          {t('home.mail.link')}
        </Link>
      </p>
      <h2>{t('home.account.heading')}</h2>
      <dl className="account">
        <div className="account__row">
          <dt>{t('home.account.name')}</dt>
          <dd>{fullName}</dd>
        </div>
        <div className="account__row">
          <dt>{t('home.account.identifier')}</dt>
          <dd className="account__code">{account.identifier}</dd>
        </div>
        <div className="account__row">
          <dt>{t('home.account.address')}</dt>
          <dd className="account__code">{account.address}</dd>
        </div>
      </dl>
      <Button variant="secondary" onClick={onSignOut}>
        {t('shell.signOut')}
      </Button>
      <h2 className="home__section">{t('home.mailClients.heading')}</h2>
      <p>{t('home.mailClients.intro')}</p>
      <p>
        <Link to="mailClientSetup" className="button button--primary">
          {t('home.mailClients.link')}
        </Link>
      </p>
      <p>
        <Link to="password" className="button button--secondary">
          {t('changePassword.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('sessions.heading')}</h2>
      <p>{t('sessions.home.intro')}</p>
      <p>
        <Link to="sessions" className="button button--secondary">
          {t('sessions.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('twoFactor.home.heading')}</h2>
      <p>{t('twoFactor.home.intro')}</p>
      <p>
        <Link to="twoFactor" className="button button--secondary">
          {t('twoFactor.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('passkeys.heading')}</h2>
      <p>{t('passkeys.home.intro')}</p>
      <p>
        <Link to="passkeys" className="button button--secondary">
          {t('passkeys.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('appPasswords.heading')}</h2>
      <p>{t('appPasswords.home.intro')}</p>
      <p>
        <Link to="appPasswords" className="button button--secondary">
          {t('appPasswords.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('identities.heading')}</h2>
      <p>{t('identities.home.intro')}</p>
      <p>
        <Link to="identities" className="button button--secondary">
          {t('identities.home.link')}
        </Link>
      </p>
      <h2 className="home__section">{t('vacation.heading')}</h2>
      <p>{t('vacation.home.intro')}</p>
      <p>
        <Link to="vacation" className="button button--secondary">
          {t('vacation.home.link')}
        </Link>
      </p>
    </section>
  );
}
