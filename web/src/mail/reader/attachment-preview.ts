/**
 * Which attachments the reader can show without downloading them, and how.
 *
 * - Images: the raster formats browsers decode as <img> (an image element never runs script, and
 *   SVG is left out anyway: it is a document more than a picture).
 * - PDF: drawn by pdf.js on canvases (no browser plugin, so it works on phones that have none).
 * - Text: shown as text, never as markup; HTML attachments are not previewed (they would need the
 *   message body's defences), only downloaded.
 */

export type PreviewKind = 'image' | 'pdf' | 'text';

const IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
]);
const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/x-yaml', 'application/csv']);

/** Bytes of a text attachment shown at most: the rest is downloaded. */
export const TEXT_PREVIEW_BYTES = 512 * 1024;

export function previewKind(type: string): PreviewKind | null {
  const media = type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (IMAGE_TYPES.has(media)) return 'image';
  if (media === 'application/pdf') return 'pdf';
  if ((media.startsWith('text/') && media !== 'text/html') || TEXT_TYPES.has(media)) return 'text';
  return null;
}

/** Whether bytes are a PDF file: the header a renderer is given must be one. */
export function looksLikePdf(bytes: Uint8Array): boolean {
  // "%PDF-" within the first 1024 bytes, as readers accept (ISO 32000-1 §7.5.2 notes).
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

/**
 * Text of an attachment in its declared charset (UTF-8 when none or unknown), cut at `limit` bytes;
 * `truncated` says whether there was more.
 */
export function decodeTextPreview(
  bytes: Uint8Array,
  type: string,
  limit = TEXT_PREVIEW_BYTES,
): { text: string; truncated: boolean } {
  const charset = /;\s*charset="?([A-Za-z0-9_.:-]+)"?/i.exec(type)?.[1] ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  const truncated = bytes.length > limit;
  // stream: true keeps a multi-byte character cut at the limit from becoming U+FFFD.
  const text = decoder.decode(truncated ? bytes.subarray(0, limit) : bytes, { stream: truncated });
  return { text, truncated };
}
