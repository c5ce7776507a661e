/**
 * Inline images (`cid:` references) as data: URLs. The message frame is sandboxed without an origin
 * of its own, so it could not send the session cookie to fetch them; the page fetches them instead.
 */
import { downloadUrl, type JmapSession } from '../jmap/jmap-client';
import type { EmailDetail } from '../jmap/types';

/** Above this an inline image is left out (a hostile message could name hundreds of megabytes). */
const MAX_INLINE_BYTES = 5 * 1024 * 1024;

export async function loadInlineParts(
  session: JmapSession,
  email: EmailDetail,
): Promise<Map<string, string>> {
  const html = email.htmlBody.map((p) => email.bodyValues[p.partId]?.value ?? '').join('');
  const parts = [...email.attachments, ...email.htmlBody].filter(
    (p) =>
      p.cid !== null && p.type.startsWith('image/') && p.size <= MAX_INLINE_BYTES && html.includes(p.cid),
  );
  const out = new Map<string, string>();
  await Promise.all(
    parts.map(async (part) => {
      const response = await fetch(downloadUrl(session, part.blobId, part.name ?? 'image', part.type), {
        credentials: 'same-origin',
      });
      if (!response.ok) return;
      const blob = await response.blob();
      const data = await new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(new Blob([blob], { type: part.type }));
      });
      out.set(part.cid as string, data);
    }),
  );
  return out;
}
