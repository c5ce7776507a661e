/**
 * An attachment shown in a modal dialog (native <dialog>: focus kept inside, Escape closes, focus
 * given back to the button that opened it): an image, a PDF (pdf.js, loaded on demand) or text.
 * The bytes come from the same download URL as the link, with the session's cookie.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/locale-context';
import { decodeTextPreview, looksLikePdf, type PreviewKind } from './attachment-preview';

const PdfPreview = lazy(() => import('./PdfPreview'));

export interface PreviewedAttachment {
  name: string;
  url: string;
  type: string;
  kind: PreviewKind;
  /** "12 kB", as the list says it. */
  size: string;
}

type Loaded = { bytes: Uint8Array } | { error: true } | null;

export function AttachmentPreview({
  attachment,
  onClose,
}: {
  attachment: PreviewedAttachment;
  onClose: () => void;
}) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [width, setWidth] = useState(600);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    if (element) setWidth(Math.max(240, Math.min(900, element.clientWidth - 48)));
  }, []);

  useEffect(() => {
    if (attachment.kind === 'image') return;
    const abort = new AbortController();
    fetch(attachment.url, { credentials: 'same-origin', signal: abort.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (attachment.kind === 'pdf' && !looksLikePdf(bytes)) throw new Error('not a PDF');
        setLoaded({ bytes });
      })
      .catch(() => {
        if (!abort.signal.aborted) setLoaded({ error: true });
      });
    return () => abort.abort();
  }, [attachment]);

  const body = () => {
    if (attachment.kind === 'image') {
      return <img className="preview__image" src={attachment.url} alt={attachment.name} />;
    }
    if (loaded === null) return <p role="status">{t('shell.loading')}</p>;
    if ('error' in loaded) return <p role="alert">{t('mail.preview.failed')}</p>;
    if (attachment.kind === 'pdf') {
      return (
        <Suspense fallback={<p role="status">{t('shell.loading')}</p>}>
          <PdfPreview bytes={loaded.bytes} name={attachment.name} width={width} />
        </Suspense>
      );
    }
    const { text, truncated } = decodeTextPreview(loaded.bytes, attachment.type);
    return (
      <>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long text scrolls by keyboard */}
        <section className="preview__text" tabIndex={0} aria-label={attachment.name}>
          <pre>{text}</pre>
        </section>
        {truncated ? <p className="muted">{t('mail.preview.truncated')}</p> : null}
      </>
    );
  };

  return (
    <dialog ref={dialog} className="preview" aria-labelledby="preview-heading" onClose={onClose}>
      <div className="preview__head">
        <h2 id="preview-heading">{attachment.name}</h2>
        <span className="muted">{attachment.size}</span>
        <a className="button button--secondary" href={attachment.url} download={attachment.name}>
          {t('mail.preview.download')}
        </a>
        <button type="button" className="button button--tertiary" onClick={() => dialog.current?.close()}>
          {t('mail.preview.close')}
        </button>
      </div>
      <div className="preview__body">{body()}</div>
    </dialog>
  );
}
