import { browserSupportsWebAuthn, startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import type { PortalInfo, SecondFactorMethod, SessionInfo } from '../../../../common/api.js';
import { isApiError } from '../../api/client';
import type { FacteurApi } from '../../api/facteur-api';
import { useLocale, useT } from '../../i18n/locale-context';
import { usePageT } from '../../i18n/page-messages';
import { describeProblem } from '../../i18n/problem-message';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { PageHeading, useDocumentTitle } from '../../ui/page';
import { TextField } from '../../ui/TextField';
import { twoStepMessages } from './messages';
import './two-step.css';

export interface SecondFactorPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  methods: SecondFactorMethod[];
  focusHeading: boolean;
  onSignedIn: (session: SessionInfo) => void;
  /** Back to the password: cancelled, or the pending sign-in expired (`expired`). */
  onRestart: (reason: 'cancelled' | 'expired') => void;
}

/**
 * The second step of a sign-in: a passkey, a code from the authenticator app, or a recovery code;
 * the browser may be trusted for 30 days. Loaded only when a second step is due (with
 * @simplewebauthn/browser, so the sign-in page stays light).
 */
export default function SecondFactorPage({
  api,
  portal,
  methods,
  focusHeading,
  onSignedIn,
  onRestart,
}: SecondFactorPageProps) {
  const t = usePageT(twoStepMessages);
  const tMain = useT();
  const { locale } = useLocale();
  const [method, setMethod] = useState<'totp' | 'recovery'>(methods.includes('totp') ? 'totp' : 'recovery');
  // A passkey-only account without recovery codes has no code to type.
  const codes = methods.includes('totp') || methods.includes('recovery');
  const [code, setCode] = useState('');
  const [trust, setTrust] = useState(false);
  const [error, setError] = useState<{ message: string; attempt: number } | null>(null);
  const [pending, setPending] = useState(false);
  useDocumentTitle([t('second.title'), tMain('app.serviceName'), portal?.institutionName]);

  const fail = (message: string) => setError({ message, attempt: (error?.attempt ?? 0) + 1 });

  const problemOf = (caught: unknown): boolean => {
    if (!isApiError(caught)) return false;
    if (caught.problem.code === 'auth.pending_expired') onRestart('expired');
    else fail(describeProblem(caught.problem, tMain, locale));
    return true;
  };

  async function signInWithPasskey() {
    if (pending) return;
    if (!browserSupportsWebAuthn()) return fail(t('second.passkey.unsupported'));
    setPending(true);
    try {
      const options = await api.passkeySignInOptions();
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        // The options are WebAuthn JSON from the server, passed through as they came.
        response = await startAuthentication({ optionsJSON: options as never });
      } catch (refused) {
        // Cancelled, timed out, or no passkey of this account here: the browser says no more.
        console.warn('passkey.sign_in_refused', refused);
        return fail(t('second.passkey.failed'));
      }
      onSignedIn(await api.secondFactor({ method: 'passkey', response, trustDevice: trust }));
    } catch (caught) {
      if (!problemOf(caught)) throw caught;
    } finally {
      setPending(false);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const typed = code.trim();
    if (typed === '') {
      fail(method === 'totp' ? t('second.required.totp') : t('second.required.recovery'));
      document.getElementById('second-factor-code')?.focus();
      return;
    }
    setPending(true);
    try {
      onSignedIn(await api.secondFactor({ method, code: typed, trustDevice: trust }));
    } catch (caught) {
      setCode('');
      if (!problemOf(caught)) throw caught;
    } finally {
      setPending(false);
    }
  }

  const switchTo = (next: 'totp' | 'recovery') => {
    setMethod(next);
    setCode('');
    setError(null);
    document.getElementById('second-factor-code')?.focus();
  };

  return (
    <section className="card" aria-labelledby="second-factor-heading">
      <PageHeading id="second-factor-heading" focusOnMount={focusHeading}>
        {t('second.title')}
      </PageHeading>
      <p className="lead">{t('second.intro')}</p>
      {error ? (
        <Alert key={error.attempt} kind="error" title={t('second.errorTitle')} focusOnMount>
          <p>{error.message}</p>
        </Alert>
      ) : null}
      <div className="checkbox-field">
        <input
          id="second-factor-trust"
          type="checkbox"
          checked={trust}
          aria-describedby="second-factor-trust-hint"
          onChange={(e) => setTrust(e.target.checked)}
        />
        <label htmlFor="second-factor-trust">{t('second.trust')}</label>
        <p id="second-factor-trust-hint" className="field__description">
          {t('second.trust.hint')}
        </p>
      </div>
      {methods.includes('passkey') ? (
        <p>
          <Button block onClick={() => void signInWithPasskey()}>
            {t('second.usePasskey')}
          </Button>
        </p>
      ) : null}
      {codes ? (
        <form className="form" noValidate onSubmit={submit} aria-labelledby="second-factor-heading">
          <TextField
            key={method}
            id="second-factor-code"
            label={method === 'totp' ? t('second.totp.label') : t('second.recovery.label')}
            description={method === 'totp' ? t('second.totp.hint') : t('second.recovery.hint')}
            inputMode={method === 'totp' ? 'numeric' : 'text'}
            autoComplete={method === 'totp' ? 'one-time-code' : 'off'}
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            maxLength={method === 'totp' ? 9 : 32}
            required
            value={code}
            error={error?.message}
            onChange={(e) => setCode(e.target.value)}
          />
          <Button type="submit" block aria-describedby={pending ? 'second-factor-pending' : undefined}>
            {t('second.submit')}
          </Button>
          <p id="second-factor-pending" className="visually-hidden" role="status">
            {pending ? t('second.pending') : ''}
          </p>
        </form>
      ) : null}
      <ul className="second-factor__alternatives">
        {method === 'totp' && methods.includes('recovery') ? (
          <li>
            <Button variant="tertiary" onClick={() => switchTo('recovery')}>
              {t('second.useRecovery')}
            </Button>
          </li>
        ) : null}
        {method === 'recovery' && methods.includes('totp') ? (
          <li>
            <Button variant="tertiary" onClick={() => switchTo('totp')}>
              {t('second.useTotp')}
            </Button>
          </li>
        ) : null}
        <li>
          <Button variant="tertiary" onClick={() => onRestart('cancelled')}>
            {t('second.cancel')}
          </Button>
        </li>
      </ul>
      <p className="security-note">{t('second.lost')}</p>
    </section>
  );
}
