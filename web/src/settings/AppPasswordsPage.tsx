/**
 * "Mots de passe d'application": one secret per mail program or device, for IMAP, SMTP and JMAP
 * (core/auth/app-passwords.ts). Made with the account password asked again, shown once with a copy
 * button, listed with their last use, revoked one by one after a confirmation.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { AppPasswordInfo, CreatedAppPasswordInfo, PortalInfo } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import type { MessageId } from '../i18n/fr';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { copyText } from '../ui/clipboard';
import { PasswordField } from '../ui/PasswordField';
import { useDocumentTitle } from '../ui/page';
import { TextField } from '../ui/TextField';
import { type SettingsLoad, SettingsPage } from './SettingsPage';
import './app-passwords.css';

export interface AppPasswordsPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

type FieldProblem = { field: 'name' | 'currentPassword' | 'form'; message: MessageId };

const PROTOCOL_NAMES = { imap: 'IMAP', smtp: 'SMTP', jmap: 'JMAP' } as const;

export default function AppPasswordsPage({ api, portal, focusHeading }: AppPasswordsPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const [load, setLoad] = useState<SettingsLoad>('loading');
  const [list, setList] = useState<AppPasswordInfo[]>([]);
  const [limits, setLimits] = useState({ max: 20, maxNameLength: 64 });
  const [name, setName] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedAppPasswordInfo | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  // Focus goes to the new password, so that a screen reader reads it and the copy button is next.
  const createdRef = useRef<HTMLDivElement>(null);
  useDocumentTitle([t('appPasswords.heading'), t('app.serviceName'), portal?.institutionName]);

  const fetchList = useCallback(async () => {
    setLoad('loading');
    try {
      const answer = await api.listAppPasswords();
      setList(answer.appPasswords);
      setLimits({ max: answer.max, maxNameLength: answer.maxNameLength });
      setLoad('ready');
    } catch {
      setLoad('error');
    }
  }, [api]);

  useEffect(() => {
    void fetchList();
  }, [fetchList]);

  useEffect(() => {
    if (created) createdRef.current?.focus();
  }, [created]);

  // The Revoke button gives way to the confirmation: focus follows, and comes back on Cancel.
  const lastConfirmed = useRef<string | null>(null);
  useEffect(() => {
    if (confirming) document.getElementById('app-password-revoke-yes')?.focus();
    else if (lastConfirmed.current)
      document.getElementById(`app-password-revoke-${lastConfirmed.current}`)?.focus();
    lastConfirmed.current = confirming;
  }, [confirming]);

  const formatDate = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short' }).format(
      new Date(iso),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const invalid: FieldProblem | null =
      name.trim() === ''
        ? { field: 'name', message: 'appPasswords.error.name' }
        : currentPassword === ''
          ? { field: 'currentPassword', message: 'appPasswords.error.currentPassword' }
          : null;
    setProblem(invalid);
    if (invalid) {
      document
        .getElementById(invalid.field === 'name' ? 'app-password-name' : 'app-password-current')
        ?.focus();
      return;
    }
    setBusy(true);
    try {
      const answer = await api.createAppPassword({ name: name.trim(), currentPassword });
      setCreated(answer);
      setList((previous) => [answer.appPassword, ...previous]);
      setName('');
      setCurrentPassword('');
    } catch (error) {
      const code = isApiError(error) ? error.problem.code : '';
      const next: FieldProblem =
        code === 'password.current_wrong'
          ? { field: 'currentPassword', message: 'appPasswords.error.wrongPassword' }
          : code === 'app_password.name_invalid'
            ? { field: 'name', message: 'appPasswords.error.name' }
            : code === 'app_password.limit'
              ? { field: 'form', message: 'appPasswords.error.limit' }
              : { field: 'form', message: 'appPasswords.error.create' };
      setProblem(next);
      if (next.field === 'currentPassword') document.getElementById('app-password-current')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (item: AppPasswordInfo) => {
    setBusy(true);
    try {
      await api.revokeAppPassword(item.id);
      setList((previous) => previous.filter((entry) => entry.id !== item.id));
      if (created?.appPassword.id === item.id) setCreated(null);
      setNotice({ kind: 'success', text: t('appPasswords.revoked', { name: item.name }) });
    } catch (error) {
      if (isApiError(error) && error.problem.status === 404) {
        setList((previous) => previous.filter((entry) => entry.id !== item.id));
        setNotice({ kind: 'success', text: t('appPasswords.revoked', { name: item.name }) });
      } else {
        setNotice({ kind: 'error', text: t('appPasswords.error.revoke') });
      }
    } finally {
      setBusy(false);
      setConfirming(null);
      document.getElementById('app-passwords-list-heading')?.focus();
    }
  };

  const copy = async () => {
    if (!created) return;
    const ok = await copyText(created.password, document.getElementById('app-password-secret'));
    setAnnouncement(ok ? t('appPasswords.copied') : t('setup.copyFailed'));
  };

  return (
    <SettingsPage
      id="app-passwords"
      title={t('appPasswords.heading')}
      intro={t('appPasswords.intro')}
      focusHeading={focusHeading}
      load={load}
      loadError={t('appPasswords.loadError')}
      onRetry={() => void fetchList()}
    >
      {created ? (
        <div className="app-passwords__created" ref={createdRef} tabIndex={-1}>
          <Alert kind="success" title={t('appPasswords.created', { name: created.appPassword.name })}>
            <p>{t('appPasswords.created.once')}</p>
            <p className="app-passwords__secret-row">
              <code id="app-password-secret" className="app-passwords__secret" lang="">
                {created.password}
              </code>
              <Button variant="secondary" onClick={() => void copy()}>
                {t('appPasswords.copy')}
              </Button>
            </p>
            <p>{t('appPasswords.created.how')}</p>
          </Alert>
          <Button variant="secondary" onClick={() => setCreated(null)}>
            {t('appPasswords.created.done')}
          </Button>
        </div>
      ) : null}

      <h2 id="app-passwords-list-heading" tabIndex={-1}>
        {t('appPasswords.list.heading')}
      </h2>
      {notice ? <Alert kind={notice.kind} title={notice.text} /> : null}
      {list.length === 0 ? (
        <p>{t('appPasswords.list.empty')}</p>
      ) : (
        <ul className="app-passwords__list">
          {list.map((item) => (
            <li key={item.id} className="app-passwords__item">
              <div>
                <p className="app-passwords__name">{item.name}</p>
                <p className="muted">
                  {t('appPasswords.list.createdAt', { date: formatDate(item.createdAt) })}
                  <br />
                  {item.lastUsedAt
                    ? t('appPasswords.list.lastUsed', {
                        date: formatDate(item.lastUsedAt),
                        protocol: item.lastUsedProtocol ? PROTOCOL_NAMES[item.lastUsedProtocol] : '',
                      })
                    : t('appPasswords.list.neverUsed')}
                </p>
              </div>
              {confirming === item.id ? (
                <fieldset className="app-passwords__confirm">
                  <legend>{t('appPasswords.revoke.confirm', { name: item.name })}</legend>
                  <Button
                    id="app-password-revoke-yes"
                    variant="primary"
                    disabled={busy}
                    onClick={() => void revoke(item)}
                  >
                    {t('appPasswords.revoke.yes')}
                  </Button>
                  <Button variant="secondary" onClick={() => setConfirming(null)}>
                    {t('appPasswords.revoke.no')}
                  </Button>
                </fieldset>
              ) : (
                <Button
                  id={`app-password-revoke-${item.id}`}
                  variant="secondary"
                  aria-label={t('appPasswords.revoke.named', { name: item.name })}
                  onClick={() => setConfirming(item.id)}
                >
                  {t('appPasswords.revoke')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('appPasswords.create.heading')}</h2>
      {list.length >= limits.max ? (
        <p>{t('appPasswords.error.limit')}</p>
      ) : (
        <form noValidate onSubmit={(event) => void submit(event)}>
          {problem?.field === 'form' ? <Alert kind="error" title={t(problem.message)} /> : null}
          <TextField
            id="app-password-name"
            label={t('appPasswords.name')}
            description={t('appPasswords.name.help')}
            value={name}
            maxLength={limits.maxNameLength}
            autoComplete="off"
            error={problem?.field === 'name' ? t(problem.message) : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          <PasswordField
            id="app-password-current"
            label={t('appPasswords.currentPassword')}
            description={t('appPasswords.currentPassword.help')}
            autoComplete="current-password"
            value={currentPassword}
            error={problem?.field === 'currentPassword' ? t(problem.message) : undefined}
            onChange={(event) => setCurrentPassword(event.target.value)}
          />
          <Button type="submit" disabled={busy}>
            {t('appPasswords.create')}
          </Button>
        </form>
      )}
      <p className="muted app-passwords__note">{t('appPasswords.note')}</p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </SettingsPage>
  );
}
