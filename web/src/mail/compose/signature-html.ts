/**
 * An identity's HTML signature is untrusted (another client, or anyone with the account, may have
 * set it): sanitized with DOMPurify before it is shown, stricter than mail since it is shown in the
 * page itself and not in a sandboxed frame — no style, no images, no forms, links only to http(s),
 * mailto and tel.
 */
import DOMPurify from 'dompurify';

const SAFE_LINK = /^\s*(?:https?:|mailto:|tel:)/i;

export function sanitizeSignatureHtml(dirty: string): string {
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (element.tagName === 'A') {
      const href = element.getAttribute('href');
      if (href !== null && !SAFE_LINK.test(href)) element.removeAttribute('href');
      if (element.hasAttribute('href')) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
      }
    }
  });
  return purify.sanitize(dirty, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'style',
      'img',
      'form',
      'input',
      'button',
      'select',
      'textarea',
      'iframe',
      'object',
      'embed',
      'svg',
      'math',
      'video',
      'audio',
      'picture',
      'source',
    ],
    FORBID_ATTR: ['style', 'class', 'id', 'srcset', 'ping', 'action', 'formaction', 'autofocus', 'tabindex'],
    ADD_ATTR: ['target'],
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
}

/** The text of an HTML signature, for a message body: the sanitized markup's words, lines kept. */
export function signatureHtmlToText(dirty: string): string {
  const container = document.createElement('div');
  container.innerHTML = sanitizeSignatureHtml(dirty)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '$&\n');
  return (container.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}
