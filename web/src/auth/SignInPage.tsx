import { type FormEvent, useRef, useState } from 'react';
import type { PortalInfo, SignInResponse } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PasswordField } from '../ui/PasswordField';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { TextField } from '../ui/TextField';

export interface SignInPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  /** The password was right: the session, or the second step to take. */
  onSignedIn: (answer: SignInResponse) => void;
  /** A message to show on arrival (e.g. "you have signed out"), as a polite status. */
  notice?: 'signedOut' | 'expired' | 'secondStepExpired';
  focusHeading: boolean;
}

interface FieldErrors {
  login?: string;
  password?: string;
}

export function SignInPage({ api, portal, onSignedIn, notice, focusHeading }: SignInPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<{ message: string; attempt: number } | null>(null);
  const [pending, setPending] = useState(false);
  const attempts = useRef(0);
  useDocumentTitle([t('title.signIn'), t('app.serviceName'), portal?.institutionName]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    attempts.current += 1;
    const errors: FieldErrors = {};
    if (login.trim() === '') errors.login = t('signIn.required.login');
    if (password === '') errors.password = t('signIn.required.password');
    setFieldErrors(errors);
    if (errors.login || errors.password) {
      setError({
        message: [errors.login, errors.password].filter(Boolean).join(' '),
        attempt: attempts.current,
      });
      return;
    }
    setPending(true);
    setError(null);
    try {
      onSignedIn(await api.signIn({ login: login.trim(), password }));
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setPassword('');
      setError({ message: describeProblem(caught.problem, t, locale), attempt: attempts.current });
    } finally {
      setPending(false);
    }
  }

  const domain = portal?.domain ?? 'ac-exemple.fr';

  return (
    <div className="sign-in">
      <div className="sign-in__layout">
        <section className="card sign-in__card" aria-labelledby="sign-in-heading">
          <PageHeading id="sign-in-heading" focusOnMount={focusHeading}>
            {t('signIn.heading')}
          </PageHeading>
          <p className="lead">{t('signIn.intro')}</p>
          {notice && !error ? (
            <Alert kind={notice === 'signedOut' ? 'success' : 'info'} role="status">
              <p>
                {notice === 'signedOut'
                  ? t('signIn.signedOut')
                  : notice === 'secondStepExpired'
                    ? t('problem.auth.pending_expired')
                    : t('problem.auth.required')}
              </p>
            </Alert>
          ) : null}
          {error ? (
            <Alert key={error.attempt} kind="error" title={t('signIn.errorTitle')} focusOnMount>
              <p>{error.message}</p>
            </Alert>
          ) : null}
          <form className="form" noValidate onSubmit={submit} aria-labelledby="sign-in-heading">
            <p className="form__required">{t('form.required')}</p>
            <TextField
              id="sign-in-login"
              name="username"
              label={t('signIn.login.label')}
              description={t('signIn.login.hint', { domain })}
              error={fieldErrors.login}
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              required
              value={login}
              onChange={(e) => setLogin(e.target.value)}
            />
            <PasswordField
              id="sign-in-password"
              name="password"
              label={t('signIn.password.label')}
              error={fieldErrors.password}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Button type="submit" block aria-describedby={pending ? 'sign-in-pending' : undefined}>
              {t('signIn.submit')}
            </Button>
            <p id="sign-in-pending" className="visually-hidden" role="status">
              {pending ? t('signIn.pending') : ''}
            </p>
          </form>
          <p className="security-note">{t('signIn.security')}</p>
        </section>

        <aside className="sign-in__help" aria-labelledby="help-heading">
          <h2 id="help-heading">{t('signIn.help.heading')}</h2>
          <dl className="help-list">
            <dt>{t('signIn.help.firstQuestion')}</dt>
            <dd>{t('signIn.help.firstAnswer')}</dd>
            <dt>{t('signIn.help.identifierQuestion')}</dt>
            <dd>
              <p>{t('signIn.help.identifierAnswer')}</p>
              <p>
                <Link to="recoverIdentifier">{t('signIn.help.identifierLink')}</Link>
              </p>
            </dd>
            <dt>{t('signIn.help.passwordQuestion')}</dt>
            <dd>
              <p>{t('signIn.help.passwordAnswer')}</p>
              <p>
                <Link to="forgotPassword">{t('signIn.help.passwordLink')}</Link>
              </p>
            </dd>
          </dl>
          {portal?.helpUrl ? (
            <p>
              <a href={portal.helpUrl}>{t('signIn.help.link')}</a>
            </p>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
