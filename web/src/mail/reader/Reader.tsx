/**
 * The reading pane (full screen on phones): headers, sender warnings, the remote-content banner,
 * the body in its sandboxed frame, attachments, and the actions on the message.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../../api/client';
import { useLocale, useT } from '../../i18n/locale-context';
import { describeProblem } from '../../i18n/problem-message';
import { intlLocale } from '../../i18n/translate';
import { Alert } from '../../ui/Alert';
import { addressList, byteSize, displayName, fullDate } from '../format';
import { downloadUrl, type JmapSession } from '../jmap/jmap-client';
import type { MailApi } from '../jmap/mail-api';
import type { EmailDetail } from '../jmap/types';
import { senderWarnings } from '../sender-warnings';
import { AttachmentPreview, type PreviewedAttachment } from './AttachmentPreview';
import { previewKind } from './attachment-preview';
import { loadInlineParts } from './inline-parts';
import { MessageActions, type MessageActionsProps } from './MessageActions';
import { MessageFrame } from './MessageFrame';
import { isSenderTrusted, trustSender } from './remote-content-choices';
import { sanitizeMailHtml, textToHtml } from './sanitize-html';
import { ThreadList } from './ThreadList';

export interface ReaderProps extends Omit<MessageActionsProps, 'email'> {
  mail: MailApi;
  session: JmapSession;
  emailId: string;
  ownDomain: string;
  internalNames: ReadonlySet<string>;
  /** Bumped by push: the message may have changed (keywords, mailboxes) or gone. */
  version: number;
  onSeen: (emailId: string) => void;
  /**
   * Whether the user just opened this message (focus goes to its subject). A reader shown again
   * after the composer closes must not take the focus the page gave back to the list.
   */
  takeFocus: () => boolean;
  onOpenEmail: (emailId: string) => void;
}

type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'gone' }
  | { kind: 'ready'; email: EmailDetail; inline: Map<string, string> };

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function Reader(props: ReaderProps) {
  const { mail, session, emailId, ownDomain, internalNames, version, onSeen, onOpenEmail } = props;
  const t = useT();
  const { locale } = useLocale();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [allowedFor, setAllowedFor] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewedAttachment | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownId = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on a new message or a push
  useEffect(() => {
    let live = true;
    if (shownId.current !== emailId) setLoaded({ kind: 'loading' });
    mail
      .emailDetail(emailId)
      .then(async (email) => {
        if (!live) return;
        if (!email) return setLoaded({ kind: 'gone' });
        const inline = await loadInlineParts(session, email).catch(() => new Map<string, string>());
        if (!live) return;
        const first = shownId.current !== emailId;
        shownId.current = emailId;
        setLoaded({ kind: 'ready', email, inline });
        if (first && props.takeFocus()) requestAnimationFrame(() => headingRef.current?.focus());
        if (first && !email.keywords.$seen) onSeen(emailId);
      })
      .catch((error: unknown) => {
        if (!live) return;
        setLoaded({
          kind: 'error',
          message: isApiError(error) ? describeProblem(error.problem, t, locale) : t('mail.error.generic'),
        });
      });
    return () => {
      live = false;
    };
  }, [emailId, version]);

  const email = loaded.kind === 'ready' ? loaded.email : null;
  const sender = email?.from?.[0];
  const trusted = sender !== undefined && isSenderTrusted(storage() ?? window.sessionStorage, sender.email);
  const allowRemote = trusted || allowedFor === emailId;

  const body = useMemo(() => {
    if (loaded.kind !== 'ready') return null;
    const { email: shown, inline } = loaded;
    const html = shown.htmlBody.some((p) => p.type === 'text/html')
      ? shown.htmlBody
          .map((p) =>
            p.type === 'text/html'
              ? (shown.bodyValues[p.partId]?.value ?? '')
              : textToHtml(shown.bodyValues[p.partId]?.value ?? ''),
          )
          .join('')
      : null;
    if (html !== null) return sanitizeMailHtml(html, { allowRemote, inlineParts: inline });
    const text = shown.textBody.map((p) => shown.bodyValues[p.partId]?.value ?? '').join('\n');
    return { html: textToHtml(text), remoteBlocked: 0 };
  }, [loaded, allowRemote]);

  if (loaded.kind === 'loading') {
    return (
      <article className="reader" aria-busy="true">
        <p role="status">{t('shell.loading')}</p>
      </article>
    );
  }
  if (loaded.kind !== 'ready' || !email || !body) {
    return (
      <article className="reader">
        <Alert kind="error">
          <p>{loaded.kind === 'error' ? loaded.message : t('mail.reader.gone')}</p>
        </Alert>
      </article>
    );
  }

  const intl = intlLocale(locale);
  const warnings = senderWarnings(sender, ownDomain, internalNames);
  const subject = email.subject?.trim() || t('mail.noSubject');
  return (
    <article className="reader" aria-labelledby="reader-subject">
      <MessageActions {...props} email={email} />
      <header className="reader__header">
        <h2 id="reader-subject" className="reader__subject" ref={headingRef} tabIndex={-1}>
          {subject}
        </h2>
        <dl className="reader__addresses">
          <div>
            <dt>{t('mail.reader.from')}</dt>
            <dd>
              {sender ? (
                <>
                  <span className="reader__name">{displayName(sender)}</span>{' '}
                  <span className="reader__email">&lt;{sender.email}&gt;</span>
                </>
              ) : (
                t('mail.noSender')
              )}
            </dd>
          </div>
          {email.to && email.to.length > 0 ? (
            <div>
              <dt>{t('mail.reader.to')}</dt>
              <dd>{addressList(email.to)}</dd>
            </div>
          ) : null}
          {email.cc && email.cc.length > 0 ? (
            <div>
              <dt>{t('mail.reader.cc')}</dt>
              <dd>{addressList(email.cc)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('mail.reader.date')}</dt>
            <dd>
              <time dateTime={email.sentAt ?? email.receivedAt}>
                {fullDate(email.sentAt ?? email.receivedAt, intl)}
              </time>
            </dd>
          </div>
        </dl>
      </header>
      <ThreadList
        mail={mail}
        threadId={email.threadId}
        currentId={email.id}
        version={version}
        onOpen={onOpenEmail}
      />
      {warnings.impersonation ? (
        <Alert kind="error">
          <p>
            <strong>{t('mail.warning.impersonation.title')}</strong>{' '}
            {t('mail.warning.impersonation.body', { address: sender?.email ?? '' })}
          </p>
        </Alert>
      ) : warnings.external ? (
        <p className="reader__external">{t('mail.warning.external')}</p>
      ) : null}
      {body.remoteBlocked > 0 && !allowRemote ? (
        <section className="reader__remote" aria-label={t('mail.remote.label')}>
          <p>{t('mail.remote.blocked')}</p>
          <div className="reader__remote-actions">
            <button type="button" className="button button--secondary" onClick={() => setAllowedFor(emailId)}>
              {t('mail.remote.allowOnce')}
            </button>
            {sender ? (
              <button
                type="button"
                className="button button--tertiary"
                onClick={() => {
                  const store = storage();
                  if (store) trustSender(store, sender.email);
                  setAllowedFor(emailId);
                }}
              >
                {t('mail.remote.allowSender', { address: sender.email })}
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
      <MessageFrame
        html={body.html}
        allowRemote={allowRemote}
        title={t('mail.reader.bodyTitle', { subject })}
        lang={locale}
      />
      {email.attachments.length > 0 ? (
        <section className="reader__attachments" aria-labelledby="reader-attachments">
          <h3 id="reader-attachments">{t('mail.reader.attachments', { count: email.attachments.length })}</h3>
          <ul>
            {email.attachments.map((part) => {
              const name = part.name ?? t('mail.reader.unnamedPart');
              const url = downloadUrl(session, part.blobId, name, part.type);
              const kind = previewKind(part.type);
              const size = byteSize(part.size, intl);
              return (
                <li key={part.partId} className="reader__attachment">
                  {kind === 'image' ? (
                    <img
                      className="reader__thumbnail"
                      src={url}
                      alt=""
                      loading="lazy"
                      width={48}
                      height={48}
                    />
                  ) : null}
                  <span className="reader__attachment-name">
                    <a href={url} download={name}>
                      {name}
                    </a>{' '}
                    <span className="muted">({size})</span>
                  </span>
                  {kind ? (
                    <button
                      type="button"
                      className="button button--tertiary reader__preview"
                      aria-label={t('mail.preview.open', { name })}
                      onClick={() => setPreview({ name, url, type: part.type, kind, size })}
                    >
                      {t('mail.preview.button')}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
      {preview ? <AttachmentPreview attachment={preview} onClose={() => setPreview(null)} /> : null}
    </article>
  );
}
