/**
 * The signature in a message being written: placed under what the user writes and above the quoted
 * original, after the "-- " line (RFC 3676 §4.3 signature separator), and swapped when the user
 * picks another identity.
 *
 * Implementation notes
 * - In HTML the signature is one paragraph, `<p>-- <br>line<br>line</p>`, which the rich editor
 *   keeps as it is (a paragraph with hard breaks): a swap finds it again by its "-- " start.
 * - A signature the user edited by hand is not found again: it is left alone, and the new one is
 *   added instead; nothing the user wrote is taken out.
 * - The HTML signature of an identity (set by another client) is untrusted: it is sanitized, and
 *   only its text is used here (signature-html.ts).
 */
export const SIGNATURE_SEPARATOR = '-- ';

export interface BodyText {
  text: string;
  /** null when writing plain text. */
  html: string | null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textBlock(signature: string): string {
  return `${SIGNATURE_SEPARATOR}\n${signature}`;
}

export function signatureParagraph(signature: string): string {
  return `<p>${SIGNATURE_SEPARATOR}<br>${signature.split('\n').map(escapeHtml).join('<br>')}</p>`;
}

/** Where a quoted original starts in the text: the line before the first "> " line, or -1. */
function quoteStart(text: string): number {
  const quote = text.search(/(^|\n)> /);
  if (quote < 0) return -1;
  const firstQuoted = text[quote] === '\n' ? quote + 1 : quote;
  if (firstQuoted === 0) return 0;
  // The header line ("Le …, … a écrit :") just above.
  return text.lastIndexOf('\n', firstQuoted - 2) + 1;
}

function insertText(text: string, signature: string): string {
  const at = quoteStart(text);
  if (at < 0) return `${text.replace(/\n+$/, '')}\n\n${textBlock(signature)}`;
  const before = text.slice(0, at).replace(/\n+$/, '');
  return `${before}\n\n${textBlock(signature)}\n\n${text.slice(at)}`;
}

function insertHtml(html: string, signature: string): string {
  const quote = html.indexOf('<blockquote');
  const paragraph = signatureParagraph(signature);
  if (quote < 0) return `${html === '' ? '<p></p>' : html}${paragraph}`;
  const header = html.lastIndexOf('<p>', quote);
  const at = header >= 0 ? header : quote;
  const before = html.slice(0, at);
  return `${before === '' ? '<p></p>' : before}${paragraph}${html.slice(at)}`;
}

/** Where `block` stands whole in `text` (followed by a line end or the end), or -1. */
function findBlock(text: string, block: string): number {
  for (let at = text.indexOf(block); at >= 0; at = text.indexOf(block, at + 1)) {
    const next = text[at + block.length];
    if ((at === 0 || text[at - 1] === '\n') && (next === undefined || next === '\n')) return at;
  }
  return -1;
}

/** The body with `signature` added (nothing changes for an empty signature). */
export function insertSignature(body: BodyText, signature: string): BodyText {
  const clean = signature.replace(/\s+$/, '');
  if (clean === '') return body;
  return {
    text: insertText(body.text, clean),
    html: body.html === null ? null : insertHtml(body.html, clean),
  };
}

const HTML_SIGNATURE = /<p>--(?: |&nbsp;|\u00a0)?<br>(?:(?!<\/p>)[\s\S])*<\/p>/;

/**
 * The body with the signature `previous` replaced by `next` (either may be empty). When `previous`
 * is not found unchanged, `next` is added as for a new message.
 */
export function swapSignature(body: BodyText, previous: string, next: string): BodyText {
  const old = previous.replace(/\s+$/, '');
  const fresh = next.replace(/\s+$/, '');
  if (old === fresh) return body;
  if (old === '') return insertSignature(body, fresh);
  const oldBlock = textBlock(old);
  const textAt = findBlock(body.text, oldBlock);
  const htmlMatch = body.html === null ? null : HTML_SIGNATURE.exec(body.html);
  if (textAt < 0 || (body.html !== null && !htmlMatch)) return insertSignature(body, fresh);
  let text: string;
  if (fresh === '') {
    const before = body.text.slice(0, textAt).replace(/\n+$/, '');
    const after = body.text.slice(textAt + oldBlock.length).replace(/^\n+/, '');
    text = after === '' ? before : `${before}\n\n${after}`;
  } else {
    text = body.text.slice(0, textAt) + textBlock(fresh) + body.text.slice(textAt + oldBlock.length);
  }
  const html =
    body.html === null || !htmlMatch
      ? body.html
      : body.html.replace(HTML_SIGNATURE, fresh === '' ? '' : signatureParagraph(fresh));
  return { text, html };
}
