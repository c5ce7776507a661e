/**
 * The page a reset link opens (/aide/nouveau-mot-de-passe#<token>), public: choose a new password
 * under the policy, with the same checklist and strength meter as a password change.
 *
 * Implementation notes
 * - The token is read from the fragment once, then the fragment is removed from the address bar
 *   (history.replaceState): it is not left in the history or on screen for someone behind.
 * - Loaded lazily with the password policy (zxcvbn), like ChangePasswordPage.
 * - The link is checked first (POST /api/recovery/reset-token): a dead link says so at once,
 *   rather than after the user has chosen a password.
 */
import { type FormEvent, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { PasswordViolation, Problem, ResetTokenInfo } from '../../../common/api.js';
import {
  evaluatePassword,
  MIN_PASSWORD_LENGTH,
  type PasswordContext,
} from '../../../common/password-policy.js';
import { isApiError } from '../api/client';
import { RuleItem } from '../auth/ChangePasswordPage';
import { buildChecklist, clientViolations } from '../auth/password-checklist';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import type { MessageId } from '../i18n/translate';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PasswordField } from '../ui/PasswordField';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { StrengthMeter } from '../ui/StrengthMeter';
import type { RecoveryPageProps } from './IdentifierPage';

type LinkState =
  | { kind: 'checking' }
  /** A link without a token (`problem` null) or refused by the server; translated when shown. */
  | { kind: 'dead'; problem: Problem | null }
  | { kind: 'ready'; token: string; info: ResetTokenInfo }
  | { kind: 'done' };

/** The token of the current address's fragment, removed from the address bar. */
function takeToken(): string {
  const token = window.location.hash.replace(/^#/, '');
  if (token !== '') window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export default function ResetPasswordPage({ api, portal, focusHeading }: RecoveryPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const [state, setState] = useState<LinkState>({ kind: 'checking' });
  useDocumentTitle([t('title.resetPassword'), t('app.serviceName'), portal?.institutionName]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the link is read once, when the page opens.
  useEffect(() => {
    const token = takeToken();
    if (token === '') {
      setState({ kind: 'dead', problem: null });
      return;
    }
    api.inspectResetToken(token).then(
      (info) => setState({ kind: 'ready', token, info }),
      (caught: unknown) => {
        if (!isApiError(caught)) throw caught;
        setState({ kind: 'dead', problem: caught.problem });
      },
    );
  }, []);

  return (
    <section className="card card--wide" aria-labelledby="reset-password-heading">
      <PageHeading id="reset-password-heading" focusOnMount={focusHeading}>
        {t('resetPassword.heading')}
      </PageHeading>
      {state.kind === 'checking' ? <p role="status">{t('resetPassword.checking')}</p> : null}
      {state.kind === 'dead' ? (
        <>
          <Alert kind="error" focusOnMount>
            <p>{state.problem ? describeProblem(state.problem, t, locale) : t('resetPassword.noToken')}</p>
          </Alert>
          <p>
            <Link to="forgotPassword">{t('resetPassword.requestAgain')}</Link>
          </p>
        </>
      ) : null}
      {state.kind === 'ready' ? (
        <NewPasswordForm
          token={state.token}
          info={state.info}
          onDone={() => setState({ kind: 'done' })}
          reset={api.resetPassword}
        />
      ) : null}
      {state.kind === 'done' ? (
        <Alert kind="success" role="status" focusOnMount>
          <p>{t('resetPassword.success')}</p>
          <p>
            <Link to="home">{t('resetPassword.signIn')}</Link>
          </p>
        </Alert>
      ) : null}
    </section>
  );
}

interface SubmitError {
  attempt: number;
  message?: string;
  violations: PasswordViolation[];
}

function NewPasswordForm({
  token,
  info,
  onDone,
  reset,
}: {
  token: string;
  info: ResetTokenInfo;
  onDone: () => void;
  reset: RecoveryPageProps['api']['resetPassword'];
}) {
  const t = useT();
  const { locale } = useLocale();
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ next?: string; confirm?: string }>({});
  const [submitError, setSubmitError] = useState<SubmitError | null>(null);
  const [serverRejection, setServerRejection] = useState<{
    password: string;
    violations: PasswordViolation[];
  } | null>(null);
  const [pending, setPending] = useState(false);
  const attempts = useRef(0);
  const context: PasswordContext = useMemo(
    () => ({
      firstName: info.firstName,
      lastName: info.lastName,
      identifier: info.identifier,
      address: info.address,
    }),
    [info],
  );
  const deferredNext = useDeferredValue(next);
  const evaluation = useMemo(() => evaluatePassword(deferredNext, context), [deferredNext, context]);
  const checklistInput = {
    password: deferredNext,
    currentPassword: '',
    birthDateKnown: info.birthDateKnown,
    serverViolations: serverRejection?.password === deferredNext ? serverRejection.violations : undefined,
  };
  // "Different from the current one" cannot be checked without the current password: not listed.
  const rules = buildChecklist(evaluation, checklistInput).filter((rule) => rule.id !== 'same_as_current');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    attempts.current += 1;
    const violations = clientViolations(evaluatePassword(next, context), {
      ...checklistInput,
      password: next,
      serverViolations: serverRejection?.password === next ? serverRejection.violations : undefined,
    });
    const found: { next?: string; confirm?: string } = {};
    if (violations.length > 0) found.next = t('problem.password.policy');
    if (confirm === '') found.confirm = t('changePassword.required.confirm');
    else if (confirm !== next) found.confirm = t('changePassword.mismatch');
    setErrors(found);
    if (found.next || found.confirm) {
      setSubmitError({ attempt: attempts.current, message: found.confirm, violations });
      return;
    }
    setPending(true);
    setSubmitError(null);
    try {
      await reset({ token, newPassword: next });
      onDone();
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      const { problem } = caught;
      if (problem.code === 'password.policy') {
        setServerRejection({ password: next, violations: problem.violations ?? [] });
        setErrors({ next: t('problem.password.policy') });
      }
      setSubmitError({
        attempt: attempts.current,
        message: describeProblem(problem, t, locale),
        violations: problem.code === 'password.policy' ? (problem.violations ?? []) : [],
      });
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <p className="lead">
        {t('resetPassword.intro', { identifier: info.identifier, address: info.address })}
      </p>
      <p>{t('resetPassword.introDetail')}</p>
      {submitError ? (
        <Alert key={submitError.attempt} kind="error" title={t('changePassword.errorTitle')} focusOnMount>
          {submitError.message ? <p>{submitError.message}</p> : null}
          {submitError.violations.length > 0 ? (
            <ul>
              {submitError.violations.map((v) => (
                <li key={v}>{t(`violation.${v}` as MessageId, { min: MIN_PASSWORD_LENGTH })}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      <form className="form" noValidate onSubmit={submit} aria-labelledby="reset-password-heading">
        <p className="form__required">{t('form.required')}</p>
        {/* Lets password managers attach the new password to the right account. */}
        <input type="text" name="username" autoComplete="username" value={info.address} readOnly hidden />
        <PasswordField
          id="reset-new-password"
          name="new-password"
          label={t('changePassword.new.label')}
          description={t('changePassword.new.hint')}
          error={errors.next}
          describedBy="reset-password-rules"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <div className="rules" id="reset-password-rules">
          <p className="rules__title" id="reset-password-rules-title">
            {t('changePassword.rules.heading')}
          </p>
          <ul className="rules__list" aria-labelledby="reset-password-rules-title">
            {rules.map((rule) => (
              <RuleItem
                key={rule.id}
                rule={rule}
                text={t(`rule.${rule.id}` as MessageId, { min: MIN_PASSWORD_LENGTH })}
                stateText={t(`rule.state.${rule.state}`)}
              />
            ))}
          </ul>
        </div>
        <StrengthMeter
          id="reset-password-strength"
          score={deferredNext === '' ? null : evaluation.score}
          suggestions={deferredNext === '' ? [] : evaluation.suggestions}
        />
        <PasswordField
          id="reset-confirm-password"
          name="confirm-password"
          label={t('changePassword.confirm.label')}
          error={errors.confirm}
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <div className="form__actions">
          <Button type="submit">{t('resetPassword.submit')}</Button>
        </div>
      </form>
    </>
  );
}
