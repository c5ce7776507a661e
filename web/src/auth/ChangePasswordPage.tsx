import { type FormEvent, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { PasswordViolation, PortalInfo, SessionInfo } from '../../../common/api.js';
import {
  evaluatePassword,
  MIN_PASSWORD_LENGTH,
  type PasswordContext,
} from '../../../common/password-policy.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import type { MessageId } from '../i18n/translate';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PasswordField } from '../ui/PasswordField';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { StrengthMeter } from '../ui/StrengthMeter';
import { buildChecklist, type ChecklistRule, clientViolations } from './password-checklist';

/** Quiet time before the rule summary is announced: one message after a burst of typing, not one per key. */
export const ANNOUNCE_DELAY_MS = 1500;

export interface ChangePasswordPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  session: SessionInfo;
  onChanged: (session: SessionInfo) => void;
  onSignOut: () => void;
  focusHeading: boolean;
  /**
   * `required`: the provisional password must go before anything else (the auth gate). `voluntary`:
   * "Changer mon mot de passe" from the settings; it stays on the page and says it worked.
   */
  mode?: 'required' | 'voluntary';
}

interface FieldErrors {
  current?: string;
  next?: string;
  confirm?: string;
}

interface SubmitError {
  attempt: number;
  message?: string;
  violations: PasswordViolation[];
  extra: string[];
}

export default function ChangePasswordPage({
  api,
  portal,
  session,
  onChanged,
  onSignOut,
  focusHeading,
  mode = 'required',
}: ChangePasswordPageProps) {
  const voluntary = mode === 'voluntary';
  const [changed, setChanged] = useState(0);
  const t = useT();
  const { locale } = useLocale();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [submitError, setSubmitError] = useState<SubmitError | null>(null);
  const [pending, setPending] = useState(false);
  const [serverRejection, setServerRejection] = useState<{
    password: string;
    violations: PasswordViolation[];
  } | null>(null);
  const attempts = useRef(0);
  useDocumentTitle([t('title.changePassword'), t('app.serviceName'), portal?.institutionName]);

  const { account } = session;
  const context: PasswordContext = useMemo(
    () => ({
      firstName: account.firstName,
      lastName: account.lastName,
      identifier: account.identifier,
      address: account.address,
    }),
    [account],
  );
  // zxcvbn takes a few milliseconds per call: evaluate a deferred copy so typing never stutters.
  const deferredNext = useDeferredValue(next);
  const evaluation = useMemo(() => evaluatePassword(deferredNext, context), [deferredNext, context]);
  const checklistInput = {
    password: deferredNext,
    currentPassword: current,
    birthDateKnown: account.birthDateKnown,
    serverViolations: serverRejection?.password === deferredNext ? serverRejection.violations : undefined,
  };
  const rules = buildChecklist(evaluation, checklistInput);
  const announcement = useDebouncedAnnouncement(deferredNext, rules, evaluation.score, t);

  function ruleText(id: PasswordViolation): string {
    return t(`rule.${id}` as MessageId, { min: MIN_PASSWORD_LENGTH });
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    attempts.current += 1;
    const errors: FieldErrors = {};
    const extra: string[] = [];
    if (current === '') errors.current = t('changePassword.required.current');
    const violations = clientViolations(evaluatePassword(next, context), {
      ...checklistInput,
      password: next,
      serverViolations: serverRejection?.password === next ? serverRejection.violations : undefined,
    });
    if (violations.length > 0) errors.next = t('problem.password.policy');
    if (confirm === '') errors.confirm = t('changePassword.required.confirm');
    else if (confirm !== next) errors.confirm = t('changePassword.mismatch');
    for (const message of [errors.current, errors.confirm]) if (message) extra.push(message);
    setFieldErrors(errors);
    if (errors.current || errors.next || errors.confirm) {
      setSubmitError({ attempt: attempts.current, violations, extra });
      return;
    }
    setPending(true);
    setSubmitError(null);
    try {
      const updated = await api.changePassword({ currentPassword: current, newPassword: next });
      if (voluntary) {
        setCurrent('');
        setNext('');
        setConfirm('');
        setChanged((n) => n + 1);
      }
      onChanged(updated);
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      const { problem } = caught;
      if (problem.code === 'password.current_wrong') {
        setCurrent('');
        setFieldErrors({ current: t('problem.password.current_wrong') });
      } else if (problem.code === 'password.policy') {
        setServerRejection({ password: next, violations: problem.violations ?? [] });
        setFieldErrors({ next: t('problem.password.policy') });
      }
      setSubmitError({
        attempt: attempts.current,
        message: describeProblem(problem, t, locale),
        violations: problem.code === 'password.policy' ? (problem.violations ?? []) : [],
        extra: [],
      });
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="card card--wide" aria-labelledby="change-password-heading">
      <PageHeading id="change-password-heading" focusOnMount={focusHeading}>
        {voluntary ? t('changePassword.voluntary.heading') : t('changePassword.heading')}
      </PageHeading>
      <p className="lead">{voluntary ? t('changePassword.voluntary.intro') : t('changePassword.intro')}</p>
      <p>{voluntary ? t('changePassword.voluntary.introDetail') : t('changePassword.introDetail')}</p>
      {changed > 0 && !submitError ? (
        <Alert key={changed} kind="success" role="status" focusOnMount>
          <p>{t('changePassword.voluntary.success')}</p>
        </Alert>
      ) : null}

      {submitError ? (
        <Alert key={submitError.attempt} kind="error" title={t('changePassword.errorTitle')} focusOnMount>
          {submitError.message ? <p>{submitError.message}</p> : null}
          {submitError.violations.length > 0 ? (
            <>
              {submitError.message ? null : <p>{t('changePassword.violationsIntro')}</p>}
              <ul>
                {submitError.violations.map((v) => (
                  <li key={v}>{t(`violation.${v}` as MessageId, { min: MIN_PASSWORD_LENGTH })}</li>
                ))}
              </ul>
            </>
          ) : null}
          {submitError.extra.length > 0 ? (
            <ul>
              {submitError.extra.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}

      <form className="form" noValidate onSubmit={submit} aria-labelledby="change-password-heading">
        <p className="form__required">{t('form.required')}</p>
        {/* Lets password managers attach the new password to the right account. */}
        <input type="text" name="username" autoComplete="username" value={account.address} readOnly hidden />
        <PasswordField
          id="current-password"
          name="current-password"
          label={t('changePassword.current.label')}
          description={t('changePassword.current.hint')}
          error={fieldErrors.current}
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <PasswordField
          id="new-password"
          name="new-password"
          label={t('changePassword.new.label')}
          description={t('changePassword.new.hint')}
          error={fieldErrors.next}
          describedBy="password-rules"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <div className="rules" id="password-rules">
          <p className="rules__title" id="password-rules-title">
            {t('changePassword.rules.heading')}
          </p>
          <ul className="rules__list" aria-labelledby="password-rules-title">
            {rules.map((rule) => (
              <RuleItem
                key={rule.id}
                rule={rule}
                text={ruleText(rule.id)}
                stateText={t(`rule.state.${rule.state}`)}
              />
            ))}
          </ul>
        </div>
        <StrengthMeter
          id="password-strength"
          score={deferredNext === '' ? null : evaluation.score}
          suggestions={deferredNext === '' ? [] : evaluation.suggestions}
        />
        <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
          {announcement}
        </div>
        <PasswordField
          id="confirm-password"
          name="confirm-password"
          label={t('changePassword.confirm.label')}
          error={fieldErrors.confirm}
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <div className="form__actions">
          <Button type="submit" disabled={pending}>
            {t('changePassword.submit')}
          </Button>
          {voluntary ? null : (
            <Button variant="secondary" onClick={onSignOut}>
              {t('shell.signOut')}
            </Button>
          )}
        </div>
      </form>
    </section>
  );
}

export function RuleItem({
  rule,
  text,
  stateText,
}: {
  rule: ChecklistRule;
  text: string;
  stateText: string;
}) {
  return (
    <li className={`rule rule--${rule.state}`}>
      <svg className="rule__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        {rule.state === 'met' ? (
          <path fill="currentColor" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z" />
        ) : rule.state === 'pending' ? (
          <path
            fill="currentColor"
            d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5v5.4l3.6 2.1-.8 1.3L11 13V7z"
          />
        ) : (
          <path
            fill="currentColor"
            d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z"
          />
        )}
      </svg>
      <span>
        {text}
        <span className="visually-hidden"> ({stateText})</span>
      </span>
    </li>
  );
}

/**
 * The text of the polite live region: a one-line summary ("5 règles respectées sur 8. Niveau de
 * sécurité : Fort."), updated only after the user pauses typing for ANNOUNCE_DELAY_MS.
 */
function useDebouncedAnnouncement(
  password: string,
  rules: readonly ChecklistRule[],
  score: number,
  t: ReturnType<typeof useT>,
): string {
  const [text, setText] = useState('');
  const checkable = rules.filter((r) => r.state !== 'pending');
  const met = checkable.filter((r) => r.state === 'met').length;
  const summary =
    password === ''
      ? ''
      : met === 0
        ? t('changePassword.rules.summaryEmpty')
        : t('changePassword.rules.summary', {
            met,
            total: checkable.length,
            strength: t(`strength.${score}` as MessageId),
          });
  useEffect(() => {
    const timer = window.setTimeout(() => setText(summary), ANNOUNCE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [summary]);
  return text;
}
