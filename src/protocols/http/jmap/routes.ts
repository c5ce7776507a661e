/**
 * JMAP over HTTP (RFC 8620 §2–3): the session resource and the API endpoint, for the signed-in
 * web session.
 *
 * Implementation notes
 * - Authentication (jmap-auth.ts): the web session cookie, and (being ambient) the CSRF double-submit
 *   header on POST like every state-changing request (see csrf.ts); or, for other clients, an app
 *   password as a bearer token.
 * - `/.well-known/jmap` redirects to `/jmap/session` (RFC 8620 §2.2).
 * - The API body is read as text and parsed here, so that malformed JSON is the JMAP `notJSON`
 *   problem and not a generic one; its size is bounded by `maxSizeRequest` before parsing.
 * - Request-level problems answer 400 with `application/problem+json` and the JMAP error type; a
 *   request that passes runs every call (method errors are per call, RFC 8620 §3.6).
 * - Push: the event source (event-source.ts); blobs: download (download.ts) and upload (upload.ts).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ClientThrottle } from '../../../core/auth/index.js';
import { MAX_HOLD_MS } from '../../../core/compose/index.js';
import type { CoreContext } from '../../../core/context.js';
import { MAX_MAILBOX_DEPTH } from '../../../core/mail/index.js';
import type { Account } from '../../../store/sql/index.js';
import { CORE_CAPABILITY, MAIL_CAPABILITY, runRequest } from './dispatch.js';
import { registerDownload } from './download.js';
import { registerEventSource } from './event-source.js';
import { createJmapAuthenticator } from './jmap-auth.js';
import { MAIL_METHODS } from './mail-methods.js';
import { MAX_OBJECTS_IN_GET } from './method-arguments.js';
import { QUOTA_CAPABILITY } from './quota-methods.js';
import { parseRequest, type RequestProblem } from './request.js';
import { SUBMISSION_CAPABILITY } from './submission-methods.js';
import { registerUpload } from './upload.js';
import { VACATION_CAPABILITY } from './vacation-response.js';

/** Largest API request body (maxSizeRequest): far above any batch of method calls a client sends. */
export const MAX_SIZE_REQUEST = 1024 * 1024;
export const MAX_CALLS_IN_REQUEST = 64;
const CAPABILITIES: ReadonlySet<string> = new Set([
  CORE_CAPABILITY,
  MAIL_CAPABILITY,
  SUBMISSION_CAPABILITY,
  VACATION_CAPABILITY,
  QUOTA_CAPABILITY,
]);

export function sessionResource(account: Account, maxUploadBytes: number): Record<string, unknown> {
  const body = {
    capabilities: {
      [CORE_CAPABILITY]: {
        maxSizeUpload: maxUploadBytes,
        maxConcurrentUpload: 4,
        maxSizeRequest: MAX_SIZE_REQUEST,
        maxConcurrentRequests: 4,
        maxCallsInRequest: MAX_CALLS_IN_REQUEST,
        maxObjectsInGet: MAX_OBJECTS_IN_GET,
        maxObjectsInSet: MAX_OBJECTS_IN_GET,
        collationAlgorithms: ['i;unicode-casemap'],
      },
      [MAIL_CAPABILITY]: {},
      [SUBMISSION_CAPABILITY]: {},
      [VACATION_CAPABILITY]: {},
      [QUOTA_CAPABILITY]: {},
    },
    accounts: {
      [account.id]: {
        name: account.address,
        isPersonal: true,
        isReadOnly: false,
        accountCapabilities: {
          [MAIL_CAPABILITY]: {
            maxMailboxesPerEmail: null,
            maxMailboxDepth: MAX_MAILBOX_DEPTH,
            maxSizeMailboxName: 255,
            maxSizeAttachmentsPerEmail: maxUploadBytes,
            emailQuerySortOptions: ['receivedAt'],
            mayCreateTopLevelMailbox: true,
          },
          [SUBMISSION_CAPABILITY]: {
            maxDelayedSend: MAX_HOLD_MS / 1000,
            submissionExtensions: { FUTURERELEASE: [String(MAX_HOLD_MS / 1000)] },
          },
          [VACATION_CAPABILITY]: {},
          [QUOTA_CAPABILITY]: {},
        },
      },
    },
    primaryAccounts: {
      [CORE_CAPABILITY]: account.id,
      [MAIL_CAPABILITY]: account.id,
      [SUBMISSION_CAPABILITY]: account.id,
      [VACATION_CAPABILITY]: account.id,
      [QUOTA_CAPABILITY]: account.id,
    },
    username: account.address,
    apiUrl: '/jmap/api',
    downloadUrl: '/jmap/download/{accountId}/{blobId}/{name}?type={type}',
    uploadUrl: '/jmap/upload/{accountId}/',
    eventSourceUrl: '/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}',
  };
  const state = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
  return { ...body, state };
}

export function registerJmapRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  throttle: ClientThrottle,
  maxUploadBytes: number,
): void {
  const signedIn = createJmapAuthenticator(ctx, throttle);

  app.get('/.well-known/jmap', async (_request, reply) => reply.redirect('/jmap/session', 307));

  registerEventSource(app, ctx, signedIn);
  registerDownload(app, ctx, signedIn);
  registerUpload(app, ctx, signedIn, maxUploadBytes);

  app.get('/jmap/session', async (request) => sessionResource(await signedIn(request), maxUploadBytes));

  app.register(async (scope) => {
    // Parsed below, so that bad JSON is JMAP's notJSON.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post('/jmap/api', { bodyLimit: MAX_SIZE_REQUEST }, async (request, reply) => {
      const account = await signedIn(request);
      const fail = (problem: RequestProblem) =>
        reply.code(400).type('application/problem+json; charset=utf-8').send(problem);
      let body: unknown;
      try {
        body = JSON.parse(typeof request.body === 'string' ? request.body : '');
      } catch {
        return fail({
          type: 'urn:ietf:params:jmap:error:notJSON',
          status: 400,
          detail: 'the request body is not JSON (Content-Type: application/json)',
        });
      }
      const parsed = parseRequest(body, CAPABILITIES, MAX_CALLS_IN_REQUEST);
      if (!parsed.ok) return fail(parsed.problem);
      const { responses, createdIds } = await runRequest(
        { ctx, account, maxUploadBytes },
        parsed.value,
        MAIL_METHODS,
      );
      return reply.type('application/json; charset=utf-8').send({
        methodResponses: responses,
        sessionState: sessionResource(account, maxUploadBytes).state,
        // Given back only to a client that sent createdIds (RFC 8620 §3.4).
        ...(parsed.value.createdIds ? { createdIds } : {}),
      });
    });
  });
}
