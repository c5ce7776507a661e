import { useMemo } from 'react';
import { FRAME_SANDBOX, frameDocument } from './message-frame';

/** The message body in its sandboxed frame (message-frame.ts); the title names it for screen readers. */
export function MessageFrame({
  html,
  allowRemote,
  title,
  lang,
}: {
  html: string;
  allowRemote: boolean;
  title: string;
  lang: string;
}) {
  const srcDoc = useMemo(() => frameDocument(html, allowRemote, lang), [html, allowRemote, lang]);
  return (
    <iframe
      className="reader__frame"
      title={title}
      sandbox={FRAME_SANDBOX}
      srcDoc={srcDoc}
      referrerPolicy="no-referrer"
    />
  );
}
