/**
 * A PDF attachment drawn by pdf.js, one page at a time on a canvas, with the page's text beside it
 * for screen readers. Loaded only when a PDF is previewed (pdf.js is ~400 kB).
 *
 * Safety: pdf.js runs no script of the document (scripting is off by default, and `isEvalSupported`
 * is false so fonts are never compiled with eval, which the page's CSP forbids anyway); the bytes
 * are checked to be a PDF first.
 */
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/locale-context';

GlobalWorkerOptions.workerSrc = workerUrl;

export interface PdfPreviewProps {
  bytes: Uint8Array;
  name: string;
  /** Width available for the page, in CSS pixels. */
  width: number;
}

export default function PdfPreview({ bytes, name, width }: PdfPreviewProps) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [page, setPage] = useState(1);
  const [text, setText] = useState('');
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    // pdf.js takes the buffer over (transfers it to its worker): give it a copy.
    const task = getDocument({ data: bytes.slice(), isEvalSupported: false });
    task.promise.then(setPdf, () => setFailed(true));
    return () => void task.destroy();
  }, [bytes]);

  useEffect(() => {
    if (!pdf) return;
    let canceled = false;
    let render: { cancel(): void } | null = null;
    void (async () => {
      try {
        const current = await pdf.getPage(page);
        const unscaled = current.getViewport({ scale: 1 });
        const ratio = window.devicePixelRatio || 1;
        const viewport = current.getViewport({ scale: (width / unscaled.width) * ratio });
        const element = canvas.current;
        const context = element?.getContext('2d');
        if (canceled || !element || !context) return;
        element.width = Math.floor(viewport.width);
        element.height = Math.floor(viewport.height);
        element.style.width = `${Math.floor(viewport.width / ratio)}px`;
        const task = current.render({ canvasContext: context, viewport });
        render = task;
        await task.promise;
        const content = await current.getTextContent();
        if (!canceled) setText(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
      } catch {
        if (!canceled) setFailed(true);
      }
    })();
    return () => {
      canceled = true;
      render?.cancel();
    };
  }, [pdf, page, width]);

  if (failed) return <p role="alert">{t('mail.preview.failed')}</p>;
  if (!pdf) return <p role="status">{t('shell.loading')}</p>;
  const pages = pdf.numPages;
  const label = t('mail.preview.page', { page, pages, name });
  return (
    <div className="pdf-preview">
      {pages > 1 ? (
        <div className="pdf-preview__pages">
          <button
            type="button"
            className="button button--tertiary"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            {t('mail.preview.previousPage')}
          </button>
          <p aria-live="polite">{t('mail.preview.pageOf', { page, pages })}</p>
          <button
            type="button"
            className="button button--tertiary"
            disabled={page >= pages}
            onClick={() => setPage(page + 1)}
          >
            {t('mail.preview.nextPage')}
          </button>
        </div>
      ) : null}
      <canvas
        ref={canvas}
        className="pdf-preview__canvas"
        role="img"
        aria-label={label}
        aria-describedby="pdf-text"
      />
      <div id="pdf-text" className="visually-hidden">
        {text}
      </div>
    </div>
  );
}
