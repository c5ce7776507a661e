/**
 * "Vérification en deux étapes" in the settings: the authenticator app turned on (QR code, first
 * code, recovery codes) or off, new recovery codes, trusted devices forgotten, and where passkeys
 * and app passwords are managed. Every change asks the account password again.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { PortalInfo, SessionInfo, TotpSetup, TwoFactorStatus } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { twoStepMessages } from '../auth/two-step/messages';
import { RecoveryCodesPanel } from '../auth/two-step/RecoveryCodesPanel';
import { TotpSetupPanel } from '../auth/two-step/TotpSetupPanel';
import { useLocale, useT } from '../i18n/locale-context';
import { type PageTranslate, usePageT } from '../i18n/page-messages';
import { describeProblem } from '../i18n/problem-message';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PasswordField } from '../ui/PasswordField';
import { useDocumentTitle } from '../ui/page';
import { type SettingsLoad, SettingsPage } from './SettingsPage';
import '../auth/two-step/two-step.css';

type Action = 'enable' | 'disable' | 'renew';
type Stage =
  | { kind: 'idle' }
  | { kind: 'password'; action: Action }
  | { kind: 'setup'; setup: TotpSetup }
  | { kind: 'codes'; codes: string[]; justEnabled: boolean };

type Key = keyof (typeof twoStepMessages)['fr'];

function counted(t: PageTranslate<Key>, base: string, count: number): string {
  const form = count === 0 ? 'zero' : count === 1 ? 'one' : 'other';
  return t(`${base}.${form}` as Key, { count });
}

export default function TwoFactorPage({
  api,
  portal,
  session,
  focusHeading,
}: {
  api: FacteurApi;
  portal: PortalInfo | null;
  session: SessionInfo;
  focusHeading: boolean;
}) {
  const t = usePageT(twoStepMessages);
  const tMain = useT();
  const { locale } = useLocale();
  const [load, setLoad] = useState<SettingsLoad>('loading');
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  useDocumentTitle([t('settings.title'), tMain('app.serviceName'), portal?.institutionName]);

  const fetchStatus = useCallback(async () => {
    setLoad('loading');
    try {
      setStatus(await api.getTwoFactor());
      setLoad('ready');
    } catch {
      setLoad('error');
    }
  }, [api]);

  useEffect(() => {
    void fetchStatus();
  }, [fetchStatus]);

  const finish = (text?: string) => {
    setStage({ kind: 'idle' });
    if (text) setNotice({ kind: 'success', text });
    void fetchStatus();
  };

  const withPassword = async (action: Action, password: string) => {
    if (action === 'enable') {
      setStage({ kind: 'setup', setup: await api.startTotp(password) });
    } else if (action === 'disable') {
      setStatus(await api.disableTotp(password));
      setStage({ kind: 'idle' });
      setNotice({ kind: 'success', text: t('settings.app.disabled') });
    } else {
      const { recoveryCodes } = await api.renewRecoveryCodes(password);
      setStage({ kind: 'codes', codes: recoveryCodes, justEnabled: false });
    }
  };

  const setup = stage.kind === 'setup' ? stage.setup : null;
  const startSetup = useCallback(
    () => (setup ? Promise.resolve(setup) : Promise.reject(new Error('no enrolment started'))),
    [setup],
  );
  const confirmSetup = useCallback(
    async (code: string) => {
      const { recoveryCodes } = await api.confirmTotp(code);
      setStage({ kind: 'codes', codes: recoveryCodes, justEnabled: true });
    },
    [api],
  );

  const forget = async () => {
    setNotice(null);
    try {
      setStatus(await api.forgetTrustedDevices());
      setNotice({ kind: 'success', text: t('settings.devices.forgotten') });
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setNotice({ kind: 'error', text: describeProblem(caught.problem, tMain, locale) });
    }
  };

  const content = () => {
    if (!status) return null;
    if (stage.kind === 'setup') {
      return (
        <section className="two-factor__section" aria-labelledby="two-factor-app-heading">
          <h2 id="two-factor-app-heading">{t('settings.app.title')}</h2>
          <TotpSetupPanel start={startSetup} confirm={confirmSetup} />
          <Button variant="tertiary" onClick={() => finish()}>
            {t('settings.cancel')}
          </Button>
        </section>
      );
    }
    if (stage.kind === 'codes') {
      return (
        <RecoveryCodesPanel
          codes={stage.codes}
          address={session.account.address}
          justEnabled={stage.justEnabled}
          onDone={() => finish()}
        />
      );
    }
    const on = status.totp || status.passkeys > 0;
    return (
      <>
        {notice ? <Alert kind={notice.kind} title={notice.text} /> : null}
        {status.required ? <Alert kind="info" title={t('settings.required')} /> : null}
        <section className="two-factor__section" aria-labelledby="two-factor-app-heading">
          <h2 id="two-factor-app-heading">{t('settings.app.title')}</h2>
          <p>{status.totp ? t('settings.app.on') : t('settings.app.off')}</p>
          {stage.kind === 'password' && stage.action !== 'renew' ? (
            <PasswordStep action={stage.action} onConfirm={withPassword} onCancel={() => finish()} />
          ) : status.totp ? (
            <Button variant="secondary" onClick={() => setStage({ kind: 'password', action: 'disable' })}>
              {t('settings.app.disable')}
            </Button>
          ) : (
            <Button onClick={() => setStage({ kind: 'password', action: 'enable' })}>
              {t('settings.app.enable')}
            </Button>
          )}
        </section>
        <section className="two-factor__section" aria-labelledby="two-factor-passkeys-heading">
          <h2 id="two-factor-passkeys-heading">{t('settings.passkeys.title')}</h2>
          <p>{counted(t, 'settings.passkeys.count', status.passkeys)}</p>
          <p>
            <Link to="passkeys">{t('settings.passkeys.link')}</Link>
          </p>
        </section>
        {on ? (
          <section className="two-factor__section" aria-labelledby="two-factor-codes-heading">
            <h2 id="two-factor-codes-heading">{t('settings.codes.title')}</h2>
            <p>{counted(t, 'settings.codes.count', status.recoveryCodesLeft)}</p>
            {stage.kind === 'password' && stage.action === 'renew' ? (
              <PasswordStep action="renew" onConfirm={withPassword} onCancel={() => finish()} />
            ) : (
              <>
                <p className="muted">{t('settings.codes.renewHint')}</p>
                <Button variant="secondary" onClick={() => setStage({ kind: 'password', action: 'renew' })}>
                  {t('settings.codes.renew')}
                </Button>
              </>
            )}
          </section>
        ) : null}
        <section className="two-factor__section" aria-labelledby="two-factor-devices-heading">
          <h2 id="two-factor-devices-heading">{t('settings.devices.title')}</h2>
          <p>{counted(t, 'settings.devices.count', status.trustedDevices)}</p>
          {status.trustedDevices > 0 ? (
            <Button variant="secondary" onClick={() => void forget()}>
              {t('settings.devices.forget')}
            </Button>
          ) : null}
        </section>
        <section className="two-factor__section">
          <p>{t('settings.mailClients')}</p>
          <p>
            <Link to="appPasswords">{t('settings.appPasswordsLink')}</Link>
          </p>
        </section>
      </>
    );
  };

  return (
    <SettingsPage
      id="two-factor"
      title={t('settings.title')}
      intro={t('settings.intro')}
      focusHeading={focusHeading}
      load={load}
      loadError={t('settings.loadError')}
      onRetry={() => void fetchStatus()}
    >
      {content()}
    </SettingsPage>
  );
}

/** The account password asked again before a change; its errors said on the field. */
function PasswordStep({
  action,
  onConfirm,
  onCancel,
}: {
  action: Action;
  onConfirm: (action: Action, password: string) => Promise<void>;
  onCancel: () => void;
}) {
  const t = usePageT(twoStepMessages);
  const tMain = useT();
  const { locale } = useLocale();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.getElementById('two-factor-password')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (password === '') {
      setError(t('settings.password.required'));
      document.getElementById('two-factor-password')?.focus();
      return;
    }
    setBusy(true);
    try {
      await onConfirm(action, password);
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setPassword('');
      setError(describeProblem(caught.problem, tMain, locale));
      document.getElementById('two-factor-password')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <PasswordField
        id="two-factor-password"
        label={t('settings.password.label')}
        description={t('settings.password.hint')}
        autoComplete="current-password"
        required
        value={password}
        error={error ?? undefined}
        onChange={(e) => setPassword(e.target.value)}
      />
      <p className="two-factor__buttons">
        <Button type="submit" disabled={busy}>
          {t('settings.confirm')}
        </Button>{' '}
        <Button variant="tertiary" onClick={onCancel}>
          {t('settings.cancel')}
        </Button>
      </p>
    </form>
  );
}
