import { useMemo } from 'react';
import { createFacteurApi } from '../api/facteur-api';
import { AuthGate } from '../auth/AuthGate';
import { HomePage } from '../home/HomePage';
import { Frame } from './Frame';
import { usePortal } from './use-portal';

/** Composition root of the web client: one API client, the frame, and the auth gate. */
export function App() {
  const api = useMemo(() => createFacteurApi(), []);
  const portal = usePortal(api);
  return (
    <Frame portal={portal}>
      <AuthGate
        api={api}
        portal={portal}
        renderSignedIn={(props) => <HomePage {...props} portal={portal} />}
      />
    </Frame>
  );
}
