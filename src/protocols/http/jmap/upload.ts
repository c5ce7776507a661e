/**
 * JMAP blob upload (RFC 8620 §6.1): `POST /jmap/upload/{accountId}/` with the file as the body; the
 * answer names the blob, which a draft then refers to (an attachment).
 *
 * Implementation notes
 * - The body is read raw whatever its Content-Type, up to maxSizeUpload (413 beyond: the problem
 *   names the limit so the web client can explain it).
 * - The blob is stored content-addressed and an `uploads` row says this account may use it; rows are
 *   forgotten after UPLOAD_RETENTION_MS (jobs/submission-release.ts).
 * - Like every POST under /jmap/, the CSRF header is required (the session cookie is ambient).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../../core/context.js';
import { type Account, recordUpload } from '../../../store/sql/index.js';
import { problem, sendProblem } from '../problems.js';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

export function registerUpload(
  app: FastifyInstance,
  ctx: CoreContext,
  signedIn: (request: FastifyRequest) => Promise<Account>,
  maxUploadBytes: number,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: maxUploadBytes },
      (_request, body, done) => done(null, body),
    );
    scope.post('/jmap/upload/:accountId/', { bodyLimit: maxUploadBytes }, async (request, reply) => {
      const account = await signedIn(request);
      const { accountId } = request.params as { accountId?: string };
      if (accountId !== account.id) {
        return sendProblem(reply, problem(404, 'account.not_found', 'no such account for this session'));
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const given = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const type = MEDIA_TYPE.test(given) ? given : 'application/octet-stream';
      const { id, size } = await ctx.blobs.put(body);
      await recordUpload(ctx.db, {
        account_id: account.id,
        blob_id: id,
        type,
        size,
        created_at: ctx.clock.now(),
      });
      return reply.code(201).send({ accountId: account.id, blobId: id, type, size });
    });
  });
}
