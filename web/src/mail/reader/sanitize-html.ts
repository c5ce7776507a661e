/**
 * Hostile-mail defence, first line: DOMPurify turns an HTML body into markup without script,
 * forms, frames, embedded objects or document-level elements, and takes remote resources out unless
 * the user allowed them. The second line is message-frame.ts (sandboxed iframe and its own CSP),
 * which holds even if this one missed something.
 *
 * Implementation notes
 * - FORCE_BODY: a `<style>` in the mail's `<head>` is kept (parsed into the body) instead of lost
 *   with the head; `<html>`, `<head>`, `<meta>`, `<base>`, `<link>` never survive.
 * - Links: only http(s), mailto and tel; every link opens a new tab without referrer or opener.
 * - Resource URLs (src, background, poster): `cid:` becomes the inline part's data: URL; a remote
 *   URL is dropped and counted while remote content is blocked; anything else is dropped.
 *   `srcset` and `ping` are never kept (a second way to fetch, and a tracker by design).
 * - Remote URLs inside CSS (`url(…)`, `@import`) are left to the frame's CSP, but counted, so the
 *   banner can say content was blocked.
 * - The hooks are installed on a private DOMPurify instance per call: options never leak between
 *   messages.
 */
import DOMPurify from 'dompurify';

export interface SanitizeOptions {
  allowRemote: boolean;
  /** Content-ID (without <>) → data: URL of the inline part. */
  inlineParts: ReadonlyMap<string, string>;
}

export interface SanitizedHtml {
  html: string;
  /** Remote resources taken out or left to the CSP to block (0 when allowed). */
  remoteBlocked: number;
}

const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'select',
  'option',
  'textarea',
  'base',
  'meta',
  'link',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'audio',
  'video',
  'source',
  'track',
  'noscript',
  'template',
];
const FORBID_ATTR = ['srcset', 'ping', 'action', 'formaction', 'xlink:href', 'autofocus'];
const RESOURCE_ATTRS = ['src', 'background', 'poster'];
const REMOTE = /^\s*(?:https?:)?\/\//i;
const SAFE_LINK = /^\s*(?:https?:|mailto:|tel:|#)/i;
const CSS_REMOTE = /(?:url\(\s*['"]?\s*(?:https?:)?\/\/|@import\s+(?:url\()?\s*['"]?\s*(?:https?:)?\/\/)/gi;

function countCssRemote(css: string): number {
  return css.match(CSS_REMOTE)?.length ?? 0;
}

export function sanitizeMailHtml(dirty: string, options: SanitizeOptions): SanitizedHtml {
  const purify = DOMPurify(window);
  let remote = 0;

  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && !options.allowRemote) remote += countCssRemote(node.textContent ?? '');
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (element.tagName === 'A' || element.tagName === 'AREA') {
      const href = element.getAttribute('href');
      if (href !== null && !SAFE_LINK.test(href)) element.removeAttribute('href');
      if (element.hasAttribute('href')) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
      }
    }
    for (const name of RESOURCE_ATTRS) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      const cid = /^\s*cid:(.+)$/i.exec(value)?.[1];
      if (cid !== undefined) {
        const inline = options.inlineParts.get(decodeURIComponent(cid.trim()));
        if (inline) element.setAttribute(name, inline);
        else element.removeAttribute(name);
      } else if (REMOTE.test(value)) {
        if (!options.allowRemote) {
          remote += 1;
          element.removeAttribute(name);
        }
      } else if (!/^\s*data:image\/(?:png|gif|jpeg|webp|bmp);/i.test(value)) {
        element.removeAttribute(name);
      }
    }
    const style = element.getAttribute('style');
    if (style !== null && !options.allowRemote) remote += countCssRemote(style);
  });

  const html = purify.sanitize(dirty, {
    FORCE_BODY: true,
    FORBID_TAGS,
    FORBID_ATTR,
    ADD_ATTR: ['target'],
    // SVG and MathML in mail are rare and the favourite hiding place of mXSS payloads.
    USE_PROFILES: { html: true },
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
  return { html, remoteBlocked: options.allowRemote ? 0 : remote };
}

/** Plain text to the HTML the frame shows: escaped, lines kept, web and mail addresses made links. */
export function textToHtml(text: string): string {
  const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const pieces: string[] = [];
  const link = /\b(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;
  let last = 0;
  for (let match = link.exec(text); match; match = link.exec(text)) {
    pieces.push(escapeHtml(text.slice(last, match.index)));
    const url = match[1] as string;
    pieces.push(
      `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`,
    );
    last = match.index + url.length;
  }
  pieces.push(escapeHtml(text.slice(last)));
  return `<div class="facteur-text">${pieces.join('')}</div>`;
}
