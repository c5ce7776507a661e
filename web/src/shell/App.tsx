import { lazy, Suspense, useMemo } from 'react';
import { createApiClient } from '../api/client';
import { createFacteurApi } from '../api/facteur-api';
import { AuthGate } from '../auth/AuthGate';
import { HomePage } from '../home/HomePage';
import { useT } from '../i18n/locale-context';
import { createJmapClient } from '../mail/jmap/jmap-client';
import { createMailApi } from '../mail/jmap/mail-api';
import { MailView } from '../mail/MailView';
import { Breadcrumb } from '../settings/Breadcrumb';
import { MailClientSetupPage } from '../settings/MailClientSetupPage';
import { Frame } from './Frame';
import { isPublicRoute, NavigationProvider, type Route, useRouter } from './router';
import { usePortal } from './use-portal';

// Identities and signatures: with DOMPurify, loaded when the page is opened.
const IdentitiesPage = lazy(() => import('../settings/IdentitiesPage'));
const VacationPage = lazy(() => import('../settings/VacationPage'));
const AppPasswordsPage = lazy(() => import('../settings/AppPasswordsPage'));
// With @simplewebauthn/browser, which only this page needs.
const PasskeysPage = lazy(() => import('../settings/PasskeysPage'));
const SessionsPage = lazy(() => import('../settings/SessionsPage'));
const TwoFactorPage = lazy(() => import('../settings/TwoFactorPage'));
const ChangePasswordPage = lazy(() => import('../auth/ChangePasswordPage'));
// Account recovery: public pages, shown signed in or not; the reset page carries the password policy.
const PUBLIC_PAGES = {
  recoverIdentifier: lazy(() => import('../recovery/IdentifierPage')),
  forgotPassword: lazy(() => import('../recovery/ForgotPasswordPage')),
  resetPassword: lazy(() => import('../recovery/ResetPasswordPage')),
} satisfies Partial<Record<Route, unknown>>;

function PageLoading() {
  const t = useT();
  return <p role="status">{t('shell.loading')}</p>;
}

/**
 * Composition root of the web client: one API client, the frame, the auth gate, and the signed-in
 * page chosen by the address (router.tsx). Signing in on a page's address lands on that page.
 */
export function App() {
  const t = useT();
  const client = useMemo(() => createApiClient(), []);
  const api = useMemo(() => createFacteurApi(client), [client]);
  const mail = useMemo(() => createMailApi(createJmapClient(client)), [client]);
  const portal = usePortal(api);
  const router = useRouter();
  return (
    <NavigationProvider value={router.navigate}>
      <Frame portal={portal} layout={router.route === 'mail' ? 'app' : 'page'}>
        {isPublicRoute(router.route) ? (
          <PublicPage route={router.route} api={api} portal={portal} focusHeading={router.navigations > 0} />
        ) : (
          <AuthGate
            api={api}
            portal={portal}
            renderSignedIn={(props) => {
              // After an in-app navigation the new page takes focus, and one-off notices are spent.
              const navigated = router.navigations > 0;
              const focusHeading = props.focusHeading || navigated;
              if (router.route === 'mail') {
                return (
                  <MailView
                    mail={mail}
                    session={props.session}
                    institution={portal?.institutionName}
                    onSignOut={() => {
                      router.navigate('home', { replace: true });
                      props.onSignOut();
                    }}
                  />
                );
              }
              if (router.route === 'identities') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <IdentitiesPage jmap={mail.jmap} portal={portal} focusHeading={focusHeading} />
                  </Suspense>
                );
              }
              if (router.route === 'vacation') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <VacationPage jmap={mail.jmap} portal={portal} focusHeading={focusHeading} />
                  </Suspense>
                );
              }
              if (router.route === 'appPasswords') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <AppPasswordsPage api={api} portal={portal} focusHeading={focusHeading} />
                  </Suspense>
                );
              }
              if (router.route === 'passkeys') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <PasskeysPage api={api} portal={portal} focusHeading={focusHeading} />
                  </Suspense>
                );
              }
              if (router.route === 'twoFactor') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <TwoFactorPage
                      api={api}
                      portal={portal}
                      session={props.session}
                      focusHeading={focusHeading}
                    />
                  </Suspense>
                );
              }
              if (router.route === 'password') {
                return (
                  <div className="password-settings">
                    <Breadcrumb current={t('changePassword.voluntary.heading')} />
                    <Suspense fallback={<PageLoading />}>
                      <ChangePasswordPage
                        mode="voluntary"
                        api={api}
                        portal={portal}
                        session={props.session}
                        focusHeading={focusHeading}
                        onChanged={() => undefined}
                        onSignOut={props.onSignOut}
                      />
                    </Suspense>
                  </div>
                );
              }
              if (router.route === 'sessions') {
                return (
                  <Suspense fallback={<PageLoading />}>
                    <SessionsPage
                      api={api}
                      portal={portal}
                      focusHeading={focusHeading}
                      onSignedOut={() => {
                        router.navigate('home', { replace: true });
                        props.onSignOut();
                      }}
                    />
                  </Suspense>
                );
              }
              if (router.route === 'mailClientSetup') {
                return (
                  <MailClientSetupPage
                    api={api}
                    session={props.session}
                    portal={portal}
                    focusHeading={focusHeading}
                  />
                );
              }
              return (
                <HomePage
                  {...props}
                  notice={navigated ? undefined : props.notice}
                  focusHeading={focusHeading}
                  portal={portal}
                  onSignOut={() => {
                    router.navigate('home', { replace: true });
                    props.onSignOut();
                  }}
                />
              );
            }}
          />
        )}
      </Frame>
    </NavigationProvider>
  );
}

/** A page anyone may open, outside the auth gate (router.tsx PUBLIC_ROUTES). */
function PublicPage({
  route,
  ...props
}: {
  route: Route;
  api: ReturnType<typeof createFacteurApi>;
  portal: ReturnType<typeof usePortal>;
  focusHeading: boolean;
}) {
  const Page = PUBLIC_PAGES[route as keyof typeof PUBLIC_PAGES];
  return (
    <Suspense fallback={<PageLoading />}>
      <Page {...props} />
    </Suspense>
  );
}
