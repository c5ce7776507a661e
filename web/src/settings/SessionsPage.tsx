/**
 * "Sessions actives": the browsers signed in to the account (browser, system, address and its place,
 * sign-in and last activity; this one marked), each can be signed out, or all the others at once. A session
 * unused for the idle timeout ends by itself, which the page says.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PortalInfo, SessionEntry } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { useDocumentTitle } from '../ui/page';
import { type SettingsLoad, SettingsPage } from './SettingsPage';
import './app-passwords.css';

export interface SessionsPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  focusHeading: boolean;
  /** Called when the user signs this session out from the list. */
  onSignedOut: () => void;
}

export default function SessionsPage({ api, portal, focusHeading, onSignedOut }: SessionsPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const [load, setLoad] = useState<SettingsLoad>('loading');
  const [sessions, setSessions] = useState<SessionEntry[]>([]);
  const [idleMinutes, setIdleMinutes] = useState(0);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  useDocumentTitle([t('sessions.heading'), t('app.serviceName'), portal?.institutionName]);

  const fetchSessions = useCallback(async () => {
    setLoad('loading');
    try {
      const answer = await api.listSessions();
      setSessions(answer.sessions);
      setIdleMinutes(Math.round(answer.idleTimeoutMs / 60_000));
      setLoad('ready');
    } catch {
      setLoad('error');
    }
  }, [api]);

  useEffect(() => {
    void fetchSessions();
  }, [fetchSessions]);

  const formatDate = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const name = (s: SessionEntry) =>
    s.browser && s.os
      ? t('sessions.device', { browser: s.browser, os: s.os })
      : (s.browser ?? s.os ?? t('sessions.unknownDevice'));
  const address = (s: SessionEntry) => {
    const ip = s.ip ?? t('sessions.unknownIp');
    const place =
      s.place.kind === 'named'
        ? s.place.name
        : s.place.kind === 'public'
          ? null
          : t(s.place.kind === 'loopback' ? 'sessions.place.loopback' : 'sessions.place.private');
    return place === null ? t('sessions.ip', { ip }) : t('sessions.ipAt', { ip, place });
  };

  const signOut = async (session: SessionEntry) => {
    setBusy(true);
    setNotice(null);
    try {
      await api.endSession(session.id);
      if (session.current) {
        onSignedOut();
        return;
      }
      setSessions((previous) => previous.filter((s) => s.id !== session.id));
      setNotice({ kind: 'success', text: t('sessions.ended', { device: name(session) }) });
    } catch (error) {
      if (isApiError(error) && error.problem.status === 404) {
        setSessions((previous) => previous.filter((s) => s.id !== session.id));
      } else {
        setNotice({ kind: 'error', text: t('sessions.error') });
      }
    } finally {
      setBusy(false);
      document.getElementById('sessions-list-heading')?.focus();
    }
  };

  const signOutOthers = async () => {
    setBusy(true);
    setNotice(null);
    try {
      const { closed } = await api.endOtherSessions();
      setSessions((previous) => previous.filter((s) => s.current));
      setNotice({ kind: 'success', text: t('sessions.othersEnded', { count: closed }) });
    } catch {
      setNotice({ kind: 'error', text: t('sessions.error') });
    } finally {
      setBusy(false);
      document.getElementById('sessions-list-heading')?.focus();
    }
  };

  const others = sessions.filter((s) => !s.current).length;
  return (
    <SettingsPage
      id="sessions"
      title={t('sessions.heading')}
      intro={t('sessions.intro', { minutes: idleMinutes })}
      focusHeading={focusHeading}
      load={load}
      loadError={t('sessions.loadError')}
      onRetry={() => void fetchSessions()}
    >
      <h2 id="sessions-list-heading" tabIndex={-1}>
        {t('sessions.list.heading', { count: sessions.length })}
      </h2>
      {notice ? <Alert kind={notice.kind} title={notice.text} /> : null}
      <ul className="app-passwords__list">
        {sessions.map((s) => (
          <li key={s.id} className="app-passwords__item">
            <div>
              <p className="app-passwords__name">
                {name(s)}
                {s.current ? <span className="sessions__current"> — {t('sessions.current')}</span> : null}
              </p>
              <p className="muted">
                {address(s)}
                <br />
                {t('sessions.createdAt', { date: formatDate(s.createdAt) })}
                <br />
                {t('sessions.lastSeen', { date: formatDate(s.lastSeenAt) })}
              </p>
            </div>
            <Button
              variant="secondary"
              disabled={busy}
              aria-label={
                s.current ? t('sessions.signOutThis') : t('sessions.signOut.named', { device: name(s) })
              }
              onClick={() => void signOut(s)}
            >
              {s.current ? t('sessions.signOutThis') : t('sessions.signOut')}
            </Button>
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <p>
          <Button disabled={busy} onClick={() => void signOutOthers()}>
            {t('sessions.signOutOthers')}
          </Button>
        </p>
      ) : null}
      <p className="muted app-passwords__note">{t('sessions.note')}</p>
    </SettingsPage>
  );
}
