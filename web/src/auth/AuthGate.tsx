import { lazy, type ReactNode, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { PortalInfo, SecondFactorMethod, SessionInfo, SignInResponse } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { SignInPage } from './SignInPage';

// The password policy pulls zxcvbn and its dictionaries (~1 MB): only loaded when a change is due.
const ChangePasswordPage = lazy(() => import('./ChangePasswordPage'));
// Two-step verification: only loaded when a second step or an enrolment is due.
const SecondFactorPage = lazy(() => import('./two-step/SecondFactorPage'));
const EnrolPage = lazy(() => import('./two-step/EnrolPage'));

/** Where the visitor stands; each state renders exactly one page. */
export type AuthState =
  | { kind: 'loading' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'signedOut'; notice?: 'signedOut' | 'expired' | 'secondStepExpired' }
  | { kind: 'secondStep'; methods: SecondFactorMethod[] }
  | { kind: 'enrol' }
  | { kind: 'mustChangePassword'; session: SessionInfo }
  | { kind: 'signedIn'; session: SessionInfo; notice?: 'passwordChanged' };

export function stateForSession(session: SessionInfo): AuthState {
  return session.mustChangePassword ? { kind: 'mustChangePassword', session } : { kind: 'signedIn', session };
}

/** Where a correct password leads: the session, or a second step first. */
export function stateForSignIn(answer: SignInResponse): AuthState {
  if ('next' in answer)
    return answer.next === 'enrol' ? { kind: 'enrol' } : { kind: 'secondStep', methods: answer.methods };
  return stateForSession(answer);
}

export interface SignedInProps {
  session: SessionInfo;
  notice?: 'passwordChanged';
  onSignOut: () => void;
  focusHeading: boolean;
}

export interface AuthGateProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  /** The signed-in application (home, later the webmail), supplied by the shell. */
  renderSignedIn: (props: SignedInProps) => ReactNode;
}

/**
 * GET /api/session decides: 401 → sign-in; `mustChangePassword` → change-password page; otherwise the
 * signed-in application. Moving between pages focuses the new page's heading (not on first load).
 */
export function AuthGate({ api, portal, renderSignedIn }: AuthGateProps) {
  const t = useT();
  const { locale } = useLocale();
  const [state, setState] = useState<AuthState>({ kind: 'loading' });
  const transitions = useRef(0);

  const go = useCallback((next: AuthState) => {
    transitions.current += 1;
    setState(next);
  }, []);

  const load = useCallback(async () => {
    try {
      const session = await api.getSession();
      setState(stateForSession(session));
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (caught.problem.status === 401) setState({ kind: 'signedOut' });
      else setState({ kind: 'unavailable', message: describeProblem(caught.problem, t, locale) });
    }
  }, [api, t, locale]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once at start, not on language change.
  useEffect(() => {
    void load();
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch (caught) {
      // Signing out of an already-expired session is still signing out; anything else is reported.
      if (!isApiError(caught) || caught.problem.status !== 401)
        console.error('session.sign_out_failed', caught);
    }
    go({ kind: 'signedOut', notice: 'signedOut' });
  }, [api, go]);

  const focusHeading = transitions.current > 0;

  switch (state.kind) {
    case 'loading':
      return <Loading />;
    case 'unavailable':
      return (
        <Unavailable
          message={state.message}
          institution={portal?.institutionName}
          onRetry={() => {
            setState({ kind: 'loading' });
            void load();
          }}
        />
      );
    case 'signedOut':
      return (
        <SignInPage
          api={api}
          portal={portal}
          notice={state.notice}
          focusHeading={focusHeading}
          onSignedIn={(answer) => go(stateForSignIn(answer))}
        />
      );
    case 'secondStep':
      return (
        <Suspense fallback={<Loading />}>
          <SecondFactorPage
            api={api}
            portal={portal}
            methods={state.methods}
            focusHeading={focusHeading}
            onSignedIn={(session) => go(stateForSession(session))}
            onRestart={(reason) =>
              go({
                kind: 'signedOut',
                ...(reason === 'expired' ? { notice: 'secondStepExpired' as const } : {}),
              })
            }
          />
        </Suspense>
      );
    case 'enrol':
      return (
        <Suspense fallback={<Loading />}>
          <EnrolPage
            api={api}
            portal={portal}
            focusHeading={focusHeading}
            onSignedIn={(session) => go(stateForSession(session))}
          />
        </Suspense>
      );
    case 'mustChangePassword':
      return (
        <Suspense fallback={<Loading />}>
          <ChangePasswordPage
            api={api}
            portal={portal}
            session={state.session}
            focusHeading={focusHeading}
            onSignOut={signOut}
            onChanged={(session) =>
              go(
                session.mustChangePassword
                  ? stateForSession(session)
                  : { kind: 'signedIn', session, notice: 'passwordChanged' },
              )
            }
          />
        </Suspense>
      );
    case 'signedIn':
      return renderSignedIn({
        session: state.session,
        notice: state.notice,
        onSignOut: signOut,
        focusHeading,
      });
  }
}

function Loading() {
  const t = useT();
  useDocumentTitle([t('title.loading'), t('app.serviceName')]);
  return (
    <p className="loading" role="status">
      {t('shell.loading')}
    </p>
  );
}

function Unavailable({
  message,
  institution,
  onRetry,
}: {
  message: string;
  institution?: string;
  onRetry: () => void;
}) {
  const t = useT();
  useDocumentTitle([t('title.error'), t('app.serviceName'), institution]);
  return (
    <section className="card" aria-labelledby="unavailable-heading">
      <PageHeading id="unavailable-heading">{t('shell.error.heading')}</PageHeading>
      <Alert kind="error">
        <p>{message}</p>
      </Alert>
      <Button onClick={onRetry}>{t('shell.error.retry')}</Button>
    </section>
  );
}
