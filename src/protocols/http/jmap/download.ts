/**
 * JMAP blob download (RFC 8620 §6.2): `GET /jmap/download/{accountId}/{blobId}/{name}?type=…`, the
 * raw bytes of one of the signed-in user's messages (save as .eml, "show original"), one of its
 * parts decoded (an attachment: the part blob ids of mail-objects.ts), or one of their uploads.
 *
 * Implementation notes
 * - Ownership (blob-access.ts): an upload of this account, or the body of one of its messages;
 *   anything else is 404, as for a blob that does not exist.
 * - The response can never run as a page of our origin, whatever `type` says: always
 *   `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff` (helmet) and a sandboxing
 *   CSP; `type` must be a plain media type, else application/octet-stream.
 * - The name goes in `filename*` (RFC 6266, UTF-8 percent-encoded) with an ASCII fallback.
 * - Cacheable privately and forever: a blob id is the hash of its bytes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../../core/context.js';
import type { Account } from '../../../store/sql/index.js';
import { problem, sendProblem } from '../problems.js';
import { readAccountBlob } from './blob-access.js';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

export function registerDownload(
  app: FastifyInstance,
  ctx: CoreContext,
  signedIn: (request: FastifyRequest) => Promise<Account>,
): void {
  app.get('/jmap/download/:accountId/:blobId/:name', async (request, reply) => {
    const account = await signedIn(request);
    const { accountId, blobId, name = '' } = request.params as Partial<Record<string, string>>;
    const notFound = () =>
      sendProblem(reply, problem(404, 'blob.not_found', 'no such blob for this account'));
    if (accountId !== account.id || blobId === undefined) return notFound();
    const blob = await readAccountBlob(ctx, account, blobId);
    if (!blob) return notFound();
    const type = String((request.query as Record<string, unknown>).type ?? blob.type ?? '');
    const bytes = blob.bytes;
    const fallback = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'message';
    return reply
      .header('content-type', MEDIA_TYPE.test(type) ? type : 'application/octet-stream')
      .header(
        'content-disposition',
        `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).slice(0, 600)}`,
      )
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(bytes);
  });
}
