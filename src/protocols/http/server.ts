/**
 * The HTTP host: security headers, cookies, CSRF, problem+json, the web API and the web client.
 *
 * Implementation notes
 * - Content-Security-Policy is strict (no inline script or style, no third party): the web client is
 *   built to run under it, and any HTML mail we render later is sandboxed on top of it.
 * - Requests are logged by pino with the redaction of platform/log: cookies, authorization and
 *   bodies never reach the logs.
 * - Unknown GET paths outside /api serve the web client (it routes on the client side); unknown
 *   /api paths answer a 404 problem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ClientThrottle } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import type { Recovery } from '../../core/recovery/index.js';
import type { NamedNetwork } from '../../lib/ip-place/index.js';
import type { Logger } from '../../platform/log/index.js';
import { registerCsrf } from './csrf.js';
import { JMAP_CHALLENGE } from './jmap/jmap-auth.js';
import { registerJmapRoutes } from './jmap/routes.js';
import { errorToProblem, problem, sendProblem } from './problems.js';
import { registerAppPasswordRoutes } from './routes/app-passwords.js';
import { type ClientSetupSettings, registerClientSetupRoutes } from './routes/client-setup.js';
import { registerDirectoryRoutes } from './routes/directory.js';
import { registerPasskeyRoutes } from './routes/passkeys.js';
import { registerPasswordRoutes } from './routes/password.js';
import { type PortalSettings, registerPortalRoutes } from './routes/portal.js';
import { registerRecoveryRoutes } from './routes/recovery.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerSessionListRoutes } from './routes/sessions.js';
import { registerTwoFactorRoutes } from './routes/two-factor.js';

/** API bodies are small JSON documents; attachments will have their own upload route and limit. */
export const MAX_API_BODY_BYTES = 64 * 1024;

export interface HttpServerOptions {
  ctx: CoreContext;
  throttle: ClientThrottle;
  portal: PortalSettings;
  log: Logger;
  trustProxy: boolean;
  /** Directory of the built web client (index.html); when missing, only the API is served. */
  webRoot: string;
  /** Largest message accepted (JMAP maxSizeUpload and attachment sizes). */
  maxUploadBytes: number;
  /** Server names and ports for mail clients, read at each request (ports are bound after HTTP). */
  clientSetup: () => ClientSetupSettings;
  /** Self-service recovery: its captcha, rate limits and settings. */
  recovery: Recovery;
  /** The institution's own networks, named, for the place of each session. */
  networkNames: readonly NamedNetwork[];
}

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generic type.
    loggerInstance: options.log.child({ proto: 'http' }) as FastifyBaseLogger,
    trustProxy: options.trustProxy,
    bodyLimit: MAX_API_BODY_BYTES,
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // A message's HTML is shown in a sandboxed srcdoc frame, which inherits this policy: inline
        // styles (mail is styled inline) and http(s) images (once the user allows remote content)
        // must pass here; the frame's own policy narrows them per message (web/src/mail/reader).
        // Scripts stay 'self' only: nothing inline, nothing remote.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:', 'http:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  await app.register(fastifyCookie);
  registerCsrf(app);

  app.setErrorHandler((error, request, reply) => {
    const body = errorToProblem(error, request);
    if (body.status === 401 && request.url.startsWith('/jmap/'))
      reply.header('www-authenticate', JMAP_CHALLENGE);
    return sendProblem(reply, body);
  });

  registerPortalRoutes(app, options.ctx, options.portal);
  registerSessionRoutes(app, options.ctx, {
    throttle: options.throttle,
    totpIssuer: options.portal.institutionName,
  });
  registerTwoFactorRoutes(app, options.ctx, options.portal.institutionName);
  registerPasswordRoutes(app, options.ctx);
  registerAppPasswordRoutes(app, options.ctx);
  registerPasskeyRoutes(app, options.ctx, options.portal.institutionName);
  registerSessionListRoutes(app, options.ctx, options.networkNames);
  registerClientSetupRoutes(app, options.ctx, options.clientSetup);
  registerDirectoryRoutes(app, options.ctx);
  registerRecoveryRoutes(app, options.ctx, options.recovery);
  registerJmapRoutes(app, options.ctx, options.throttle, options.maxUploadBytes);

  const hasWeb = existsSync(join(options.webRoot, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: options.webRoot,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each asset (web/vite.config.ts).
      preCompressed: true,
      // Hashed asset names are immutable; index.html must always be revalidated.
      setHeaders(res, path) {
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (
      hasWeb &&
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/jmap/')
    ) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(
      reply,
      problem(404, 'route.not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  });
  return app;
}
