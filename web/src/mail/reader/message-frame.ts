/**
 * Hostile-mail defence, second line: the document a message is shown in. It is an iframe `srcdoc`
 * with a `sandbox` that allows no script, no form, no same-origin access, no top navigation (only
 * links opening a new tab), and a Content-Security-Policy of its own: nothing may load but inline
 * styles and data: images, plus http(s) images once the user allowed remote content.
 *
 * Implementation notes
 * - A srcdoc document inherits the app's CSP as well; the app's policy therefore allows inline
 *   styles and http(s) images (see docs/security.md), and this meta policy narrows them per message.
 * - The frame's colours stay light whatever the app theme: mail is written for a white page.
 */

export const FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

export function framePolicy(allowRemote: boolean): string {
  const images = allowRemote ? 'data: https: http:' : 'data:';
  return `default-src 'none'; style-src 'unsafe-inline'; img-src ${images}; font-src data:; form-action 'none'; base-uri 'none'`;
}

const FRAME_STYLE = `
:root { color-scheme: light; }
body { margin: 0; padding: 1rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #161616; background: #ffffff; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
table { max-width: 100%; }
pre, .facteur-text { white-space: pre-wrap; font: inherit; margin: 0; }
blockquote { margin: 0 0 0 0.5rem; padding-left: 0.75rem; border-left: 3px solid #cccccc; color: #3a3a3a; }
a { color: #000091; }
`;

export function frameDocument(bodyHtml: string, allowRemote: boolean, lang: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${framePolicy(allowRemote)}"><meta name="referrer" content="no-referrer"><style>${FRAME_STYLE}</style></head><body>${bodyHtml}</body></html>`;
}
