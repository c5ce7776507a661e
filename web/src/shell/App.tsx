import { useMemo } from 'react';
import { createFacteurApi } from '../api/facteur-api';
import { AuthGate } from '../auth/AuthGate';
import { HomePage } from '../home/HomePage';
import { MailClientSetupPage } from '../settings/MailClientSetupPage';
import { Frame } from './Frame';
import { NavigationProvider, useRouter } from './router';
import { usePortal } from './use-portal';

/**
 * Composition root of the web client: one API client, the frame, the auth gate, and the signed-in
 * page chosen by the address (router.tsx). Signing in on a page's address lands on that page.
 */
export function App() {
  const api = useMemo(() => createFacteurApi(), []);
  const portal = usePortal(api);
  const router = useRouter();
  return (
    <NavigationProvider value={router.navigate}>
      <Frame portal={portal}>
        <AuthGate
          api={api}
          portal={portal}
          renderSignedIn={(props) => {
            // After an in-app navigation the new page takes focus, and one-off notices are spent.
            const navigated = router.navigations > 0;
            const focusHeading = props.focusHeading || navigated;
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
      </Frame>
    </NavigationProvider>
  );
}
