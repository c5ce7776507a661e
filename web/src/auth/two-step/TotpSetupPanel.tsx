import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { TotpSetup } from '../../../../common/api.js';
import { isApiError } from '../../api/client';
import { useLocale, useT } from '../../i18n/locale-context';
import { usePageT } from '../../i18n/page-messages';
import { describeProblem } from '../../i18n/problem-message';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { twoStepMessages } from './messages';

/**
 * Turning on the authenticator app, the same at a forced enrolment and in the settings: the secret
 * as a QR code and as text, then the first code, which the server checks before anything is on.
 */
export function TotpSetupPanel({
  start,
  confirm,
}: {
  /** Makes the secret (again: a reload gives a new one, the old one never worked). */
  start: () => Promise<TotpSetup>;
  /** Sends the first code; resolves when the app is on. */
  confirm: (code: string) => Promise<void>;
}) {
  const t = usePageT(twoStepMessages);
  const tMain = useT();
  const { locale } = useLocale();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<{ message: string; attempt: number } | null>(null);
  const [busy, setBusy] = useState(false);

  const prepare = useCallback(async () => {
    setFailed(null);
    try {
      setSetup(await start());
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setFailed(
        caught.problem.status === 401
          ? describeProblem(caught.problem, tMain, locale)
          : t('totp.startFailed'),
      );
    }
  }, [start, t, tMain, locale]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: one secret per mount, not per language.
  useEffect(() => {
    void prepare();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const typed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(typed)) {
      setError({ message: t('totp.code.required'), attempt: (error?.attempt ?? 0) + 1 });
      document.getElementById('totp-setup-code')?.focus();
      return;
    }
    setBusy(true);
    try {
      await confirm(typed);
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setCode('');
      setError({
        message: describeProblem(caught.problem, tMain, locale),
        attempt: (error?.attempt ?? 0) + 1,
      });
    } finally {
      setBusy(false);
    }
  };

  if (failed) {
    return (
      <>
        <Alert kind="error" title={failed} />
        <Button variant="secondary" onClick={() => void prepare()}>
          {t('totp.retry')}
        </Button>
      </>
    );
  }
  if (!setup) {
    return (
      <p className="loading" role="status">
        {t('totp.preparing')}
      </p>
    );
  }
  return (
    <div className="totp-setup">
      <ol className="totp-setup__steps">
        <li>{t('totp.step1')}</li>
        <li>
          <p>{t('totp.step2')}</p>
          <img
            className="totp-setup__qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrCodeSvg)}`}
            alt={t('totp.qrAlt')}
            width={200}
            height={200}
          />
          <p>{t('totp.manual')}</p>
          <p>
            <code className="totp-setup__secret" lang="">
              {setup.secret}
            </code>
          </p>
        </li>
        <li>
          <p id="totp-setup-step3">{t('totp.step3')}</p>
          {error ? (
            <Alert key={error.attempt} kind="error" title={t('totp.errorTitle')} focusOnMount>
              <p>{error.message}</p>
            </Alert>
          ) : null}
          <form className="form" noValidate onSubmit={submit}>
            <TextField
              id="totp-setup-code"
              label={t('totp.code.label')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={9}
              required
              value={code}
              error={error ? error.message : undefined}
              onChange={(e) => setCode(e.target.value)}
            />
            <Button type="submit" disabled={busy}>
              {t('totp.confirm')}
            </Button>
          </form>
        </li>
      </ol>
    </div>
  );
}
