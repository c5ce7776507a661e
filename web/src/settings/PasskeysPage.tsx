/**
 * "Clés d'accès": passkeys as the second step of sign-in (core/auth/passkeys.ts). Explains what a
 * passkey is, lists them (added, last used), adds one (a name and the account password, then the
 * browser's own prompt) and removes one after a confirmation.
 *
 * Implementation notes
 * - @simplewebauthn/browser is imported here only: this page is its own lazy chunk, so the
 *   initial bundle does not carry it.
 * - The account password is checked by the server before the browser prompt (it is asked for the
 *   options), so a wrong password is said on its field and no passkey is made for nothing.
 * - What the browser refuses is explained by the DOMException's name: NotAllowedError (cancelled or
 *   timed out, and also what Chromium says for most failures), InvalidStateError (this
 *   authenticator already holds one of the account's passkeys), SecurityError (not a secure
 *   context: http on anything but localhost, or an IP address). An unsupported browser gets the
 *   explanation instead of the form.
 */
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { PasskeyInfo, PortalInfo } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import type { MessageId } from '../i18n/fr';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import { intlLocale } from '../i18n/translate';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PasswordField } from '../ui/PasswordField';
import { useDocumentTitle } from '../ui/page';
import { TextField } from '../ui/TextField';
import { type SettingsLoad, SettingsPage } from './SettingsPage';
import './app-passwords.css';
import './passkeys.css';

export interface PasskeysPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

type FieldProblem = { field: 'name' | 'currentPassword' | 'form'; text: string };

/** The sentence for what the browser's prompt ended with. */
function browserRefusal(error: unknown): MessageId {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'passkeys.error.cancelled';
  if (name === 'InvalidStateError') return 'passkeys.error.alreadyRegistered';
  if (name === 'SecurityError') return 'passkeys.error.insecure';
  if (name === 'NotSupportedError') return 'passkeys.error.unsupported';
  return 'passkeys.error.browser';
}

export default function PasskeysPage({ api, portal, focusHeading }: PasskeysPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const [supported] = useState(() => browserSupportsWebAuthn());
  const [load, setLoad] = useState<SettingsLoad>('loading');
  const [list, setList] = useState<PasskeyInfo[]>([]);
  const [limits, setLimits] = useState({ max: 10, maxNameLength: 64 });
  const [name, setName] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  useDocumentTitle([t('passkeys.heading'), t('app.serviceName'), portal?.institutionName]);

  const fetchList = useCallback(async () => {
    setLoad('loading');
    try {
      const answer = await api.listPasskeys();
      setList(answer.passkeys);
      setLimits({ max: answer.max, maxNameLength: answer.maxNameLength });
      setLoad('ready');
    } catch {
      setLoad('error');
    }
  }, [api]);

  useEffect(() => {
    void fetchList();
  }, [fetchList]);

  // The Remove button gives way to the confirmation: focus follows, and comes back on Cancel.
  const lastConfirmed = useRef<string | null>(null);
  useEffect(() => {
    if (confirming) document.getElementById('passkey-remove-yes')?.focus();
    else if (lastConfirmed.current)
      document.getElementById(`passkey-remove-${lastConfirmed.current}`)?.focus();
    lastConfirmed.current = confirming;
  }, [confirming]);

  const formatDate = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short' }).format(
      new Date(iso),
    );

  const fail = (next: FieldProblem) => {
    setProblem(next);
    setAttempt((n) => n + 1);
    if (next.field !== 'form') {
      document.getElementById(next.field === 'name' ? 'passkey-name' : 'passkey-current')?.focus();
    }
  };

  const apiProblem = (error: unknown): FieldProblem => {
    if (!isApiError(error)) return { field: 'form', text: t('passkeys.error.add') };
    const code = error.problem.code;
    if (code === 'password.current_wrong')
      return { field: 'currentPassword', text: t('passkeys.error.wrongPassword') };
    if (code === 'passkey.name_invalid') return { field: 'name', text: t('passkeys.error.name') };
    return { field: 'form', text: describeProblem(error.problem, t, locale) };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    if (name.trim() === '' || name.trim().length > limits.maxNameLength) {
      fail({ field: 'name', text: t('passkeys.error.name') });
      return;
    }
    if (currentPassword === '') {
      fail({ field: 'currentPassword', text: t('passkeys.error.currentPassword') });
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      let options: Awaited<ReturnType<FacteurApi['passkeyRegistrationOptions']>>['options'];
      try {
        options = (await api.passkeyRegistrationOptions({ currentPassword })).options;
      } catch (error) {
        fail(apiProblem(error));
        return;
      }
      let response: Awaited<ReturnType<typeof startRegistration>>;
      try {
        response = await startRegistration({ optionsJSON: options });
      } catch (error) {
        fail({ field: 'form', text: t(browserRefusal(error)) });
        return;
      }
      try {
        const added = await api.createPasskey({ name: name.trim(), response });
        setList((previous) => [...previous, added]);
        setName('');
        setCurrentPassword('');
        setNotice({ kind: 'success', text: t('passkeys.added', { name: added.name }) });
        document.getElementById('passkeys-list-heading')?.focus();
      } catch (error) {
        fail(apiProblem(error));
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (item: PasskeyInfo) => {
    setBusy(true);
    try {
      await api.removePasskey(item.id);
      setList((previous) => previous.filter((entry) => entry.id !== item.id));
      setNotice({ kind: 'success', text: t('passkeys.removed', { name: item.name }) });
    } catch (error) {
      if (isApiError(error) && error.problem.status === 404) {
        setList((previous) => previous.filter((entry) => entry.id !== item.id));
        setNotice({ kind: 'success', text: t('passkeys.removed', { name: item.name }) });
      } else if (isApiError(error) && error.problem.code === 'two_factor.required') {
        setNotice({ kind: 'error', text: t('problem.two_factor.required') });
      } else {
        setNotice({ kind: 'error', text: t('passkeys.error.remove') });
      }
    } finally {
      setBusy(false);
      setConfirming(null);
      document.getElementById('passkeys-list-heading')?.focus();
    }
  };

  return (
    <SettingsPage
      id="passkeys"
      title={t('passkeys.heading')}
      intro={t('passkeys.intro')}
      focusHeading={focusHeading}
      load={load}
      loadError={t('passkeys.loadError')}
      onRetry={() => void fetchList()}
    >
      <ul className="passkeys__facts">
        <li>{t('passkeys.fact.device')}</li>
        <li>{t('passkeys.fact.site')}</li>
        <li>{t('passkeys.fact.backup')}</li>
      </ul>

      <h2 id="passkeys-list-heading" tabIndex={-1}>
        {t('passkeys.list.heading')}
      </h2>
      {notice ? <Alert kind={notice.kind} title={notice.text} /> : null}
      {list.length === 0 ? (
        <p>{t('passkeys.list.empty')}</p>
      ) : (
        <ul className="app-passwords__list">
          {list.map((item) => (
            <li key={item.id} className="app-passwords__item">
              <div>
                <p className="app-passwords__name">{item.name}</p>
                <p className="muted">
                  {t('passkeys.list.createdAt', { date: formatDate(item.createdAt) })}
                  <br />
                  {item.lastUsedAt
                    ? t('passkeys.list.lastUsed', { date: formatDate(item.lastUsedAt) })
                    : t('passkeys.list.neverUsed')}
                  {item.synced ? (
                    <>
                      <br />
                      {t('passkeys.list.synced')}
                    </>
                  ) : null}
                </p>
              </div>
              {confirming === item.id ? (
                <fieldset className="app-passwords__confirm">
                  <legend>{t('passkeys.remove.confirm', { name: item.name })}</legend>
                  <Button
                    id="passkey-remove-yes"
                    variant="primary"
                    disabled={busy}
                    onClick={() => void remove(item)}
                  >
                    {t('passkeys.remove.yes')}
                  </Button>
                  <Button variant="secondary" onClick={() => setConfirming(null)}>
                    {t('passkeys.remove.no')}
                  </Button>
                </fieldset>
              ) : (
                <Button
                  id={`passkey-remove-${item.id}`}
                  variant="secondary"
                  aria-label={t('passkeys.remove.named', { name: item.name })}
                  onClick={() => setConfirming(item.id)}
                >
                  {t('passkeys.remove')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('passkeys.add.heading')}</h2>
      {!supported ? (
        <Alert kind="warning" title={t('passkeys.error.unsupported')} />
      ) : list.length >= limits.max ? (
        <p>{t('problem.passkey.limit')}</p>
      ) : (
        <form noValidate onSubmit={(event) => void submit(event)}>
          <p>{t('passkeys.add.how')}</p>
          {problem?.field === 'form' ? <Alert key={attempt} kind="error" title={problem.text} /> : null}
          <TextField
            id="passkey-name"
            label={t('passkeys.name')}
            description={t('passkeys.name.help')}
            value={name}
            maxLength={limits.maxNameLength}
            autoComplete="off"
            error={problem?.field === 'name' ? problem.text : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          <PasswordField
            id="passkey-current"
            label={t('passkeys.currentPassword')}
            description={t('passkeys.currentPassword.help')}
            autoComplete="current-password"
            value={currentPassword}
            error={problem?.field === 'currentPassword' ? problem.text : undefined}
            onChange={(event) => setCurrentPassword(event.target.value)}
          />
          <Button type="submit" disabled={busy}>
            {busy ? t('passkeys.add.waiting') : t('passkeys.add')}
          </Button>
        </form>
      )}
    </SettingsPage>
  );
}
