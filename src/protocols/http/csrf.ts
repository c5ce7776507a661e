/**
 * CSRF protection by double-submit cookie.
 *
 * Implementation notes
 * - Every response sets `facteur_csrf` (random, readable by scripts of our origin) if the request
 *   lacked it; every state-changing /api or /jmap request must echo it in `X-CSRF-Token`. A cross-site form
 *   or fetch cannot read our cookie, so it cannot forge the header.
 * - This also protects sign-in itself (login CSRF), which session-bound tokens cannot.
 * - Session cookies are SameSite=Strict as a second line.
 * - A JMAP request carrying a bearer token needs no CSRF header: it is authenticated by that token
 *   alone (jmap/jmap-auth.ts), which a browser never attaches by itself.
 */
import type { FastifyInstance } from 'fastify';
import { CSRF_COOKIE, CSRF_HEADER } from '../../../common/api.js';
import { constantTimeEqual, randomToken } from '../../platform/crypto/index.js';
import { problem, sendProblem } from './problems.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The web API and JMAP: both authenticated by the ambient session cookie. */
const PROTECTED = ['/api/', '/jmap/'];

export function registerCsrf(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const cookie = request.cookies[CSRF_COOKIE];
    if (!cookie) {
      reply.setCookie(CSRF_COOKIE, randomToken(24), {
        path: '/',
        sameSite: 'strict',
        secure: request.protocol === 'https',
        httpOnly: false,
      });
    }
    if (SAFE_METHODS.has(request.method) || !PROTECTED.some((prefix) => request.url.startsWith(prefix)))
      return;
    if (request.url.startsWith('/jmap/') && /^Bearer /i.test(request.headers.authorization ?? '')) return;
    const header = request.headers[CSRF_HEADER];
    if (!cookie || typeof header !== 'string' || !constantTimeEqual(cookie, header)) {
      return sendProblem(reply, problem(403, 'csrf.invalid', 'missing or wrong CSRF token: reload the page'));
    }
  });
}
