/**
 * GET /api/directory?q=…: the institution's directory for recipient autocompletion (the composer).
 *
 * Implementation notes
 * - Signed-in users only (the session cookie; a GET changes nothing, so no CSRF header), with the
 *   password changed like every mail route. What is found and shown: core/directory/search.ts.
 * - Throttled per account (MAX_SEARCHES per WINDOW_MS, in memory per node): the composer asks once
 *   per typing pause, far below it; a script enumerating the directory gets 429 with Retry-After.
 * - `Cache-Control: private, no-store`: names of colleagues are not for shared caches.
 */
import type { FastifyInstance } from 'fastify';
import type { DirectorySearchResult } from '../../../../common/api.js';
import { assertPasswordChanged } from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { searchPeople } from '../../../core/directory/index.js';
import { problem, sendProblem } from '../problems.js';
import { requireSession } from '../session-cookie.js';

export const MAX_SEARCHES = 60;
export const WINDOW_MS = 60_000;
/** Accounts tracked at most; the oldest windows are forgotten first. */
const MAX_TRACKED = 10_000;

export function registerDirectoryRoutes(app: FastifyInstance, ctx: CoreContext): void {
  const windows = new Map<string, { start: number; count: number }>();

  /** Seconds to wait, or 0 when this search may run. */
  const throttle = (accountId: string): number => {
    const now = ctx.clock.now();
    const current = windows.get(accountId);
    if (!current || now - current.start >= WINDOW_MS) {
      windows.delete(accountId);
      if (windows.size >= MAX_TRACKED) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(accountId, { start: now, count: 1 });
      return 0;
    }
    current.count += 1;
    return current.count > MAX_SEARCHES ? Math.ceil((current.start + WINDOW_MS - now) / 1000) : 0;
  };

  app.get('/api/directory', async (request, reply) => {
    const { account } = await requireSession(ctx, request);
    assertPasswordChanged(account);
    const wait = throttle(account.id);
    if (wait > 0) {
      return sendProblem(
        reply,
        problem(429, 'directory.throttled', 'too many directory searches; wait a moment', {
          retryAfterSeconds: wait,
        }),
      );
    }
    const q = (request.query as Record<string, unknown>).q;
    const results = await searchPeople(ctx, account, typeof q === 'string' ? q : '');
    reply.header('cache-control', 'private, no-store');
    const body: DirectorySearchResult = { results };
    return body;
  });
}
