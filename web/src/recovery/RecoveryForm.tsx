/**
 * The form both recovery pages share: NUMEN and birth date, checked in the browser first, then the
 * proof-of-work captcha solved, then the request sent.
 *
 * Implementation notes
 * - The captcha needs neither sight nor a mouse: it is a calculation the browser makes on submit;
 *   a polite status line says what is happening ("Vérification anti-robot en cours…").
 * - Errors follow the sign-in page: each field carries its message, and a focused alert sums them
 *   up (RGAA 11.10); a new attempt re-announces it.
 */
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import type { RecoveryRequest } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/TextField';
import { solveCaptcha } from './solve-captcha';
import './recovery.css';

const NUMEN = /^[0-9A-Z]{13}$/;
const DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the text can be a real calendar day (the server checks it again). */
function isDate(text: string): boolean {
  const m = DATE.exec(text.trim());
  if (!m) return false;
  const [year, month, day] = m[4] ? [m[4], m[5], m[6]] : [m[3], m[2], m[1]];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCDate() === Number(day) && date.getUTCMonth() === Number(month) - 1 && Number(year) >= 1900
  );
}

interface FieldErrors {
  numen?: string;
  birthDate?: string;
}

export interface RecoveryFormProps {
  api: FacteurApi;
  idPrefix: string;
  headingId: string;
  submitLabel: string;
  /** Sends the request; an ApiError it throws is shown. */
  onSubmit: (request: RecoveryRequest) => Promise<void>;
  children?: ReactNode;
}

export function RecoveryForm({ api, idPrefix, headingId, submitLabel, onSubmit }: RecoveryFormProps) {
  const t = useT();
  const { locale } = useLocale();
  const [numen, setNumen] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<{ message: string; attempt: number } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'captcha' | 'sending'>('idle');
  const attempts = useRef(0);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (phase !== 'idle') return;
    attempts.current += 1;
    const errors: FieldErrors = {};
    const normalised = numen.replace(/\s+/g, '').toUpperCase();
    if (normalised === '') errors.numen = t('recovery.required.numen');
    else if (!NUMEN.test(normalised)) errors.numen = t('recovery.invalid.numen');
    if (birthDate.trim() === '') errors.birthDate = t('recovery.required.birthDate');
    else if (!isDate(birthDate)) errors.birthDate = t('recovery.invalid.birthDate');
    setFieldErrors(errors);
    if (errors.numen || errors.birthDate) {
      setError({
        message: [errors.numen, errors.birthDate].filter(Boolean).join(' '),
        attempt: attempts.current,
      });
      return;
    }
    setError(null);
    try {
      setPhase('captcha');
      const altcha = await solveCaptcha(api);
      setPhase('sending');
      await onSubmit({ numen: normalised, birthDate: birthDate.trim(), altcha });
    } catch (caught) {
      if (!isApiError(caught)) {
        console.error('recovery.request_failed', caught);
        setError({ message: t('problem.client.unexpected', { code: 'captcha' }), attempt: attempts.current });
      } else {
        setError({ message: describeProblem(caught.problem, t, locale), attempt: attempts.current });
      }
    } finally {
      setPhase('idle');
    }
  }

  return (
    <>
      {error ? (
        <Alert key={error.attempt} kind="error" title={t('recovery.errorTitle')} focusOnMount>
          <p>{error.message}</p>
        </Alert>
      ) : null}
      <form className="form" noValidate onSubmit={submit} aria-labelledby={headingId}>
        <p className="form__required">{t('form.required')}</p>
        <TextField
          id={`${idPrefix}-numen`}
          name="numen"
          label={t('recovery.numen.label')}
          description={t('recovery.numen.hint')}
          error={fieldErrors.numen}
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          required
          value={numen}
          onChange={(e) => setNumen(e.target.value)}
        />
        <TextField
          id={`${idPrefix}-birth-date`}
          name="bday"
          label={t('recovery.birthDate.label')}
          description={t('recovery.birthDate.hint')}
          error={fieldErrors.birthDate}
          autoComplete="bday"
          inputMode="numeric"
          required
          value={birthDate}
          onChange={(e) => setBirthDate(e.target.value)}
        />
        <p className="field__description" id={`${idPrefix}-captcha-notice`}>
          {t('recovery.captcha.notice')}
        </p>
        <Button type="submit" block aria-describedby={`${idPrefix}-captcha-notice`}>
          {submitLabel}
        </Button>
        <p className="recovery__status" role="status">
          {phase === 'captcha'
            ? t('recovery.captcha.working')
            : phase === 'sending'
              ? t('recovery.sending')
              : ''}
        </p>
      </form>
    </>
  );
}
