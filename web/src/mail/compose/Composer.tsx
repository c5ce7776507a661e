/**
 * Writing a message: recipients, subject, rich or plain text, attachments (picker or drag and drop,
 * with progress and the size limit said), saved as a draft on the server as the user types, sent
 * with a few seconds to undo, or scheduled. Loaded on demand (its editor is the heaviest code of
 * the webmail), so the mail list does not wait for it.
 *
 * Implementation notes
 * - Autosave: AUTOSAVE_MS after the last change, one save at a time; each save replaces the previous
 *   draft (Email/set create + destroy in one request). Closing saves what is not saved yet, and
 *   leaving the page with unsaved changes asks first: nothing written is lost.
 * - Sending saves the final version, then submits it held UNDO_SECONDS (or until the chosen time) with
 *   the move from Drafts to Sent; the page shows the undo offer (MailView), the server sends.
 */
import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { MessageId } from '../../i18n/fr';
import { useLocale, useT } from '../../i18n/locale-context';
import { intlLocale } from '../../i18n/translate';
import { Link } from '../../shell/router';
import { Alert } from '../../ui/Alert';
import { byteSize } from '../format';
import type { JmapSession } from '../jmap/jmap-client';
import { type MailApi, SendError } from '../jmap/mail-api';
import type { Identity } from '../jmap/types';
import { UploadError, uploadBlob } from '../jmap/upload';
import { searchDirectory } from './directory-search';
import {
  type DraftContent,
  isOriginalAttached,
  recipientsOf,
  toJmapEmail,
  withOriginalAttached,
} from './draft-model';
import { swapIdentityBcc } from './identity-bcc';
import { RecipientField } from './RecipientField';
import { RichTextEditor } from './RichTextEditor';
import { insertSignature, swapSignature } from './signature';
import { signatureHtmlToText } from './signature-html';

const AUTOSAVE_MS = 2_000;

const SEND_ERRORS: Readonly<Record<string, MessageId>> = {
  invalidRecipients: 'compose.error.invalidRecipients.server',
  forbiddenToSend: 'compose.error.forbiddenToSend',
  noRecipients: 'compose.error.noRecipients',
  forbiddenMailFrom: 'compose.error.forbiddenMailFrom',
  forbiddenFrom: 'compose.error.forbiddenFrom',
};

export interface SentInfo {
  emailId: string;
  submissionId: string;
  sendAt: string;
  scheduled: boolean;
}

export interface ComposerProps {
  mail: MailApi;
  session: JmapSession;
  identities: Identity[];
  mailboxes: { drafts: string; sent: string };
  initial: DraftContent;
  draftId: string | null;
  /** Addresses the user wrote to or heard from, offered as they type. */
  knownAddresses: readonly string[];
  onClose: () => void;
  onSent: (sent: SentInfo) => void;
}

interface Upload {
  key: string;
  name: string;
  progress: number;
  error: string | null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The signature the composer adds for `identity`: its text one, else the text of its HTML one. */
function signatureOf(identity: Identity | undefined): string {
  if (!identity) return '';
  if (identity.textSignature?.trim()) return identity.textSignature;
  return identity.htmlSignature ? signatureHtmlToText(identity.htmlSignature) : '';
}

export function Composer(props: ComposerProps) {
  const { mail, session, identities, mailboxes, initial, knownAddresses, onClose, onSent } = props;
  const t = useT();
  const { locale } = useLocale();
  const id = useId();
  const [content, setContent] = useState<DraftContent>(() => {
    const identityId = initial.identityId || identities[0]?.id || '';
    const chosen = identities.find((i) => i.id === identityId);
    // A new message or reply gets the identity's signature and Bcc; a draft opened again has them.
    if (props.draftId !== null) return { ...initial, identityId };
    const signed = insertSignature(initial, signatureOf(chosen));
    return { ...initial, ...signed, bcc: swapIdentityBcc(initial.bcc, null, chosen?.bcc), identityId };
  });
  // The rich editor takes its content once: a new key starts it again on a swapped signature.
  const [editorKey, setEditorKey] = useState(0);
  const [showCopies, setShowCopies] = useState(content.cc !== '' || content.bcc !== '');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [status, setStatus] = useState<'new' | 'dirty' | 'saving' | 'saved' | 'failed'>('new');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [scheduleOpen, setScheduleOpen] = useState(false);
  const [scheduleAt, setScheduleAt] = useState('');
  const draftId = useRef(props.draftId);
  const saving = useRef<Promise<void> | null>(null);
  const latest = useRef(content);
  latest.current = content;
  const dirty = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => headingRef.current?.focus(), []);

  const identity = identities.find((i) => i.id === content.identityId) ?? identities[0];

  const save = useCallback(async (): Promise<void> => {
    // One save at a time: a change during a save is saved right after it.
    while (saving.current) await saving.current;
    if (!dirty.current || !identity) return;
    dirty.current = false;
    setStatus('saving');
    const run = (async () => {
      try {
        const saved = await mail.saveDraft(
          toJmapEmail(latest.current, identity, mailboxes.drafts),
          draftId.current,
        );
        draftId.current = saved.id;
        setStatus(dirty.current ? 'dirty' : 'saved');
      } catch (caught) {
        dirty.current = true;
        setStatus('failed');
        throw caught;
      }
    })();
    saving.current = run.finally(() => {
      saving.current = null;
    });
    return run;
  }, [mail, identity, mailboxes.drafts]);

  const change = (patch: Partial<DraftContent>) => {
    dirty.current = true;
    setStatus('dirty');
    setContent((c) => ({ ...c, ...patch }));
  };

  // Autosave after a pause in typing.
  useEffect(() => {
    if (status !== 'dirty') return;
    const timer = setTimeout(() => void save().catch(() => undefined), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [status, save]);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (dirty.current || saving.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const addFiles = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = `${file.name}-${Math.random()}`;
      setUploads((u) => [...u, { key, name: file.name, progress: 0, error: null }]);
      const progress = (fraction: number) =>
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, progress: fraction } : x)));
      uploadBlob(session, file, progress).then(
        (uploaded) => {
          setUploads((u) => u.filter((x) => x.key !== key));
          setContent((c) => {
            dirty.current = true;
            return {
              ...c,
              attachments: [
                ...c.attachments,
                { blobId: uploaded.blobId, name: file.name, type: uploaded.type, size: uploaded.size },
              ],
            };
          });
          setStatus('dirty');
        },
        (caught: unknown) => {
          const reason = caught instanceof UploadError ? caught.reason : 'server';
          const message =
            reason === 'tooLarge'
              ? t('compose.upload.tooLarge', {
                  name: file.name,
                  max: byteSize(session.maxSizeUpload, intlLocale(locale)),
                })
              : t('compose.upload.failed', { name: file.name });
          setUploads((u) => u.map((x) => (x.key === key ? { ...x, error: message } : x)));
        },
      );
    }
  };

  const send = async (sendAt: Date | null) => {
    setError(null);
    const { addresses, invalid } = recipientsOf(latest.current);
    if (invalid.length > 0)
      return setError(t('compose.error.invalidRecipients', { list: invalid.join(', ') }));
    if (addresses.length === 0) return setError(t('compose.error.noRecipient'));
    if (uploads.some((u) => u.error === null)) return setError(t('compose.error.uploading'));
    if (!identity) return;
    setBusy(true);
    try {
      dirty.current = true;
      await save();
      const emailId = draftId.current as string;
      const sent = await mail.send(
        emailId,
        identity,
        addresses.map((a) => a.email),
        mailboxes,
        sendAt,
      );
      onSent({ emailId, submissionId: sent.submissionId, sendAt: sent.sendAt, scheduled: sendAt !== null });
    } catch (caught) {
      setBusy(false);
      if (caught instanceof SendError) {
        setError(t(SEND_ERRORS[caught.type] ?? 'compose.error.send'));
      } else setError(t('compose.error.send'));
    }
  };

  const close = async () => {
    try {
      await save();
    } catch {
      return setError(t('compose.error.save'));
    }
    onClose();
  };

  const discard = async () => {
    if (!window.confirm(t('compose.discardConfirm'))) return;
    dirty.current = false;
    await saving.current;
    if (draftId.current) await mail.destroy([draftId.current]).catch(() => undefined);
    onClose();
  };

  const onDrop = (event: DragEvent<HTMLFormElement>) => {
    if (event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    addFiles(event.dataTransfer.files);
  };

  const statusText =
    status === 'saving'
      ? t('compose.status.saving')
      : status === 'saved'
        ? t('compose.status.saved')
        : status === 'failed'
          ? t('compose.status.failed')
          : '';
  const field = (key: 'to' | 'cc' | 'bcc', label: string) => (
    <RecipientField
      id={`${id}-${key}`}
      label={label}
      value={content[key]}
      onChange={(value) => change({ [key]: value })}
      known={knownAddresses}
      searchDirectory={searchDirectory}
    />
  );
  const switchIdentity = (identityId: string) => {
    const next = identities.find((i) => i.id === identityId);
    const swapped = swapSignature(latest.current, signatureOf(identity), signatureOf(next));
    const bcc = swapIdentityBcc(latest.current.bcc, identity?.bcc, next?.bcc);
    if (bcc !== '') setShowCopies(true);
    change({ identityId, ...swapped, bcc });
    if (swapped.html !== latest.current.html) setEditorKey((k) => k + 1);
  };
  return (
    <form
      className="composer"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        void send(null);
      }}
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={onDrop}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          void send(null);
        }
        if (event.key === 'Escape') {
          event.preventDefault();
          void close();
        }
      }}
    >
      <div className="composer__head">
        <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
          {content.subject.trim() || t('compose.heading')}
        </h2>
        <p className="composer__status" role="status">
          {statusText}
        </p>
      </div>
      {identities.length > 1 ? (
        <div className="composer__field">
          <label htmlFor={`${id}-from`}>{t('compose.from')}</label>
          <select
            id={`${id}-from`}
            value={content.identityId}
            onChange={(event) => switchIdentity(event.target.value)}
          >
            {identities.map((i) => (
              <option key={i.id} value={i.id}>{`${i.name} <${i.email}>`}</option>
            ))}
          </select>
        </div>
      ) : null}
      {field('to', t('compose.to'))}
      {showCopies ? (
        <>
          {field('cc', t('compose.cc'))}
          {field('bcc', t('compose.bcc'))}
        </>
      ) : (
        <button
          type="button"
          className="button button--tertiary composer__copies"
          onClick={() => setShowCopies(true)}
        >
          {t('compose.showCopies')}
        </button>
      )}
      <div className="composer__field">
        <label htmlFor={`${id}-subject`}>{t('compose.subject')}</label>
        <input
          id={`${id}-subject`}
          type="text"
          value={content.subject}
          onChange={(event) => change({ subject: event.target.value })}
        />
      </div>
      <div className="composer__format">
        <input
          id={`${id}-plain`}
          type="checkbox"
          checked={content.html === null}
          onChange={(event) =>
            change(
              event.target.checked
                ? { html: null }
                : {
                    html: content.text
                      .split(/\n{2,}/)
                      .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
                      .join(''),
                  },
            )
          }
        />
        <label htmlFor={`${id}-plain`}>{t('compose.plainText')}</label>
      </div>
      {content.html === null ? (
        <textarea
          className="composer__plain"
          aria-label={t('compose.body')}
          value={content.text}
          onChange={(event) => change({ text: event.target.value })}
        />
      ) : (
        <RichTextEditor
          key={editorKey}
          initialHtml={content.html}
          label={t('compose.body')}
          onChange={(html, text, first) => {
            if (html === latest.current.html) return;
            // The editor's own rendering of the starting text is no change to save.
            if (first) setContent((c) => ({ ...c, html, text }));
            else change({ html, text });
          }}
        />
      )}
      <p className="composer__signature-link">
        <Link to="identities" onClick={() => void save().catch(() => undefined)}>
          {t('compose.identity.manage')}
        </Link>
      </p>
      <section className="composer__attachments" aria-labelledby={`${id}-attachments`}>
        <h3 id={`${id}-attachments`}>{t('compose.attachments')}</h3>
        {content.forwardOf ? (
          <div className="composer__format">
            <input
              id={`${id}-forward-whole`}
              type="checkbox"
              checked={isOriginalAttached(content)}
              onChange={(event) => change(withOriginalAttached(content, event.target.checked))}
            />
            <label htmlFor={`${id}-forward-whole`}>{t('compose.forwardAsAttachment')}</label>
          </div>
        ) : null}
        <p className="muted">
          {t('compose.attachments.hint', { max: byteSize(session.maxSizeUpload, intlLocale(locale)) })}
        </p>
        <ul>
          {content.attachments.map((a) => (
            <li key={a.blobId}>
              {a.name} <span className="muted">({byteSize(a.size, intlLocale(locale))})</span>{' '}
              <button
                type="button"
                className="button button--tertiary"
                aria-label={t('compose.attachments.remove', { name: a.name })}
                onClick={() =>
                  change({ attachments: content.attachments.filter((x) => x.blobId !== a.blobId) })
                }
              >
                {t('compose.attachments.removeShort')}
              </button>
            </li>
          ))}
          {uploads.map((u) => (
            <li key={u.key}>
              {u.error ? (
                <span className="composer__upload-error">{u.error}</span>
              ) : (
                <>
                  {u.name}{' '}
                  <progress
                    value={u.progress}
                    max={1}
                    aria-label={t('compose.upload.progress', { name: u.name })}
                  />
                </>
              )}
            </li>
          ))}
        </ul>
        <label className="button button--secondary composer__pick">
          {t('compose.attachments.add')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            onChange={(event) => {
              if (event.target.files) addFiles(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
      </section>
      {error ? (
        <Alert kind="error">
          <p>{error}</p>
        </Alert>
      ) : null}
      <div className="composer__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('compose.send')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          aria-expanded={scheduleOpen}
          onClick={() => setScheduleOpen(!scheduleOpen)}
        >
          {t('compose.schedule')}
        </button>
        <button type="button" className="button button--tertiary" onClick={() => void close()}>
          {t('compose.close')}
        </button>
        <button type="button" className="button button--tertiary" onClick={() => void discard()}>
          {t('compose.discard')}
        </button>
      </div>
      {scheduleOpen ? (
        <div className="composer__schedule">
          <label htmlFor={`${id}-when`}>{t('compose.schedule.when')}</label>
          <input
            id={`${id}-when`}
            type="datetime-local"
            value={scheduleAt}
            onChange={(event) => setScheduleAt(event.target.value)}
          />
          <button
            type="button"
            className="button button--primary"
            disabled={busy || scheduleAt === ''}
            onClick={() => {
              const when = new Date(scheduleAt);
              if (Number.isNaN(when.getTime()) || when.getTime() < Date.now()) {
                setError(t('compose.error.schedulePast'));
                return;
              }
              void send(when);
            }}
          >
            {t('compose.schedule.confirm')}
          </button>
        </div>
      ) : null}
    </form>
  );
}

export default Composer;
