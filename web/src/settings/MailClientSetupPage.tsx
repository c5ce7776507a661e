import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClientSettings, PortalInfo, SessionInfo } from '../../../common/api.js';
import { isApiError } from '../api/client';
import type { FacteurApi } from '../api/facteur-api';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';
import type { MessageId } from '../i18n/translate';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { copyText } from '../ui/clipboard';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { Breadcrumb } from './Breadcrumb';
import { appleProfileUrl, SECURITY_NAMES, type ServerSetup, serverSetup } from './mail-client-setup';

export interface MailClientSetupPageProps {
  api: FacteurApi;
  session: SessionInfo;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

type Load =
  | { kind: 'loading' }
  | { kind: 'ready'; settings: ClientSettings }
  | { kind: 'error'; message: string };

/** How long the visible "Copied" mark stays next to a button; the live region keeps its message. */
const COPIED_MARK_MS = 4000;

/**
 * "Configurer ma messagerie": what to do in Thunderbird and Outlook (nothing but the address), the
 * Apple profile, and the IMAP and SMTP values for everything else, each with a copy button. Copies
 * are confirmed in one polite live region (WCAG 4.1.3) and by a short visible mark beside the button.
 *
 * The password note recommends an app password per program, linked to the page that makes them.
 */
export function MailClientSetupPage({ api, session, portal, focusHeading }: MailClientSetupPageProps) {
  const t = useT();
  const { locale } = useLocale();
  const address = session.account.address;
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [announcement, setAnnouncement] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const copiedTimer = useRef<number | undefined>(undefined);
  useDocumentTitle([t('title.mailClientSetup'), t('app.serviceName'), portal?.institutionName]);
  // The address is set in bold inside the sentence: the template is split at its placeholder.
  const [automaticBefore, automaticAfter = ''] = t('setup.automatic.body').split('{address}');

  const fetchSettings = useCallback(async () => {
    setLoad({ kind: 'loading' });
    try {
      setLoad({ kind: 'ready', settings: await api.getClientSettings() });
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setLoad({ kind: 'error', message: describeProblem(caught.problem, t, locale) });
    }
  }, [api, t, locale]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: fetch once, not again on language change.
  useEffect(() => {
    void fetchSettings();
  }, []);

  useEffect(() => () => window.clearTimeout(copiedTimer.current), []);

  const announce = useCallback((message: string) => {
    // The same words twice in a row would not be read again: alternate a trailing no-break space.
    setAnnouncement((previous) => (previous === message ? `${message}\u00a0` : message));
  }, []);

  const copy = useCallback(
    async (id: string, value: string) => {
      const ok = await copyText(value, document.getElementById(`${id}-value`));
      window.clearTimeout(copiedTimer.current);
      if (ok) {
        setCopied(id);
        copiedTimer.current = window.setTimeout(() => setCopied(null), COPIED_MARK_MS);
        announce(t('setup.copied', { value }));
      } else {
        setCopied(null);
        announce(t('setup.copyFailed'));
      }
    },
    [announce, t],
  );

  return (
    <div className="setup">
      <Breadcrumb current={t('setup.heading')} />
      <section className="card card--wide" aria-labelledby="setup-heading">
        <PageHeading id="setup-heading" focusOnMount={focusHeading}>
          {t('setup.heading')}
        </PageHeading>
        <p className="lead">{t('setup.intro')}</p>

        <h2>{t('setup.automatic.heading')}</h2>
        <p>
          {automaticBefore}
          <strong className="setup__address">{address}</strong>
          {automaticAfter}
        </p>

        <h2>{t('setup.apple.heading')}</h2>
        <p>{t('setup.apple.body')}</p>
        <p>
          <a className="button button--secondary setup__download" href={appleProfileUrl(address)} download>
            <DownloadIcon />
            <span>
              {t('setup.apple.download')} <span className="setup__file">{t('setup.apple.file')}</span>
            </span>
          </a>
        </p>
        <p className="muted">{t('setup.apple.unverified')}</p>

        <h2>{t('setup.manual.heading')}</h2>
        <p>{t('setup.manual.intro')}</p>
        {load.kind === 'loading' ? (
          <p className="loading" role="status">
            {t('shell.loading')}
          </p>
        ) : null}
        {load.kind === 'error' ? (
          <>
            <Alert kind="error" title={t('setup.loadError')}>
              <p>{load.message}</p>
            </Alert>
            <Button variant="secondary" onClick={() => void fetchSettings()}>
              {t('shell.error.retry')}
            </Button>
          </>
        ) : null}
        {load.kind === 'ready' ? (
          <>
            <ServerValues
              id="incoming"
              heading={t('setup.incoming.heading')}
              setup={serverSetup(load.settings, 'imap')}
              address={address}
              copied={copied}
              onCopy={copy}
            />
            <ServerValues
              id="outgoing"
              heading={t('setup.outgoing.heading')}
              setup={serverSetup(load.settings, 'smtp')}
              address={address}
              copied={copied}
              onCopy={copy}
            />
          </>
        ) : null}

        <h2>{t('setup.password.heading')}</h2>
        <p>{t('setup.password.body')}</p>
        <p>
          <Link to="appPasswords">{t('appPasswords.home.link')}</Link>
        </p>

        <p className="visually-hidden" role="status" id="setup-announcement">
          {announcement}
        </p>
      </section>
    </div>
  );
}

interface ServerValuesProps {
  id: 'incoming' | 'outgoing';
  heading: string;
  setup: ServerSetup | null;
  address: string;
  copied: string | null;
  onCopy: (id: string, value: string) => void;
}

/** The hidden end of each copy button's name ("Copier" + "le port du serveur d’envoi"). */
const COPY_NAMES = {
  incoming: {
    host: 'setup.incoming.host.copy',
    port: 'setup.incoming.port.copy',
    username: 'setup.incoming.username.copy',
  },
  outgoing: {
    host: 'setup.outgoing.host.copy',
    port: 'setup.outgoing.port.copy',
    username: 'setup.outgoing.username.copy',
  },
} as const satisfies Record<ServerValuesProps['id'], Record<string, MessageId>>;

/** One server (reception or sending) as a description list: name, value, copy button. */
function ServerValues({ id, heading, setup, address, copied, onCopy }: ServerValuesProps) {
  const t = useT();
  const headingId = `${id}-heading`;
  if (!setup) return null;
  const names = COPY_NAMES[id];
  // Security and authentication are picked from a menu in every client, so they get no copy button.
  const rows: { field: string; label: string; value: string; copyName?: MessageId }[] = [
    { field: 'host', label: t('setup.field.host'), value: setup.host, copyName: names.host },
    { field: 'port', label: t('setup.field.port'), value: String(setup.port), copyName: names.port },
    { field: 'security', label: t('setup.field.security'), value: SECURITY_NAMES[setup.security] },
    { field: 'username', label: t('setup.field.username'), value: address, copyName: names.username },
    {
      field: 'authentication',
      label: t('setup.field.authentication'),
      value: t('setup.authentication.password'),
    },
  ];
  return (
    <section className="server" aria-labelledby={headingId}>
      <h3 id={headingId}>{heading}</h3>
      <dl className="server__values">
        {rows.map((row) => {
          const rowId = `${id}-${row.field}`;
          return (
            <div className="server__row" key={row.field}>
              <dt>{row.label}</dt>
              <dd>
                <span
                  id={`${rowId}-value`}
                  className={row.copyName ? 'server__value server__value--code' : 'server__value'}
                >
                  {row.value}
                </span>
                {row.copyName ? (
                  <span className="server__copy">
                    {copied === rowId ? (
                      <span className="copy-button__done" aria-hidden="true">
                        {t('setup.copiedShort')}
                      </span>
                    ) : null}
                    <button type="button" className="copy-button" onClick={() => onCopy(rowId, row.value)}>
                      <CopyIcon done={copied === rowId} />
                      {t('setup.copy')}
                      <span className="visually-hidden"> {t(row.copyName)}</span>
                    </button>
                  </span>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>
      {setup.alternatives.map((alternative) => (
        <p className="server__alternative" key={`${alternative.security}-${alternative.port}`}>
          {t('setup.alternative', {
            security: SECURITY_NAMES[setup.security],
            port: alternative.port,
            alternative: SECURITY_NAMES[alternative.security],
          })}
        </p>
      ))}
    </section>
  );
}

function CopyIcon({ done }: { done: boolean }) {
  return (
    <svg className="copy-button__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d={
          done
            ? 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z'
            : 'M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z'
        }
      />
    </svg>
  );
}

function DownloadIcon() {
  return (
    <svg className="setup__download-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z" />
    </svg>
  );
}
