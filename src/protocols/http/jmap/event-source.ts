/**
 * JMAP push over Server-Sent Events (RFC 8620 §7.3): `GET /jmap/eventsource?types=…&closeafter=…&ping=…`
 * streams StateChange objects to the signed-in user's browser as their mail changes, whatever
 * changed it (SMTP delivery, IMAP, another browser).
 *
 * Implementation notes
 * - Driven by the store's change feed, which says only "the account moved to modseq N"; since the
 *   state of every type listed in TYPES is that modseq, one event tells all asked types their new
 *   state — mail, mailboxes, and also identities, submissions (created, canceled, released) and the
 *   vacation response, whose writes publish to the feed too. Changes arriving in the same turn of the
 *   event loop become one event. Quota is not pushed: its state is not the modseq.
 * - With `closeafter=no` the current state is sent at once, so a client that connects after a change
 *   learns of it; with `closeafter=state` the stream ends after the first change (long polling).
 * - `ping` (seconds) is clamped to [MIN_PING, MAX_PING]; 0 means no pings. Pings keep proxies from
 *   closing an idle stream.
 * - At most MAX_STREAMS_PER_ACCOUNT open streams per account: each holds a socket and a listener;
 *   one more is refused with 429 rather than letting one user exhaust the server.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreContext } from '../../../core/context.js';
import type { Account } from '../../../store/sql/index.js';
import { findAccountUsage } from '../../../store/sql/index.js';
import { problem, sendProblem } from '../problems.js';

/** Every type whose state is the account modseq (Quota's is not: it has none here). */
const TYPES = ['Mailbox', 'Email', 'Thread', 'Identity', 'EmailSubmission', 'VacationResponse'] as const;
const MIN_PING = 5;
const MAX_PING = 300;
export const MAX_STREAMS_PER_ACCOUNT = 16;

export function registerEventSource(
  app: FastifyInstance,
  ctx: CoreContext,
  signedIn: (request: FastifyRequest) => Promise<Account>,
): void {
  const open = new Map<string, number>();
  // Streams never end by themselves: a server shutting down ends them (the client reconnects).
  const finishers = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of [...finishers]) finish();
  });

  app.get('/jmap/eventsource', async (request: FastifyRequest, reply: FastifyReply) => {
    const account = await signedIn(request);
    const query = request.query as Record<string, unknown>;
    const asked =
      typeof query.types === 'string' && query.types !== '*' ? query.types.split(',') : [...TYPES];
    const types = TYPES.filter((type) => asked.includes(type));
    const closeAfterState = query.closeafter === 'state';
    const pingSeconds = Number(query.ping ?? 0);
    if (!Number.isSafeInteger(pingSeconds) || pingSeconds < 0) {
      return sendProblem(reply, problem(400, 'request.invalid', 'ping must be a number of seconds'));
    }
    const streams = open.get(account.id) ?? 0;
    if (streams >= MAX_STREAMS_PER_ACCOUNT) {
      return sendProblem(
        reply,
        problem(429, 'jmap.too_many_streams', 'too many event streams for this account'),
      );
    }
    open.set(account.id, streams + 1);

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // Headers now, not with the first event: the client knows the stream is open.
    out.flushHeaders();
    const send = (event: string, data: unknown) => {
      if (!out.writableEnded) out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const stateChange = (modseq: number) => {
      const state = String(modseq);
      send('state', {
        '@type': 'StateChange',
        changed: { [account.id]: Object.fromEntries(types.map((type) => [type, state])) },
      });
    };

    let pending: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    let finished = false;
    const finish = () => {
      if (finished) return; // the client's close and a shutdown may both come
      finished = true;
      finishers.delete(finish);
      stop();
      if (timer) clearInterval(timer);
      const left = (open.get(account.id) ?? 1) - 1;
      if (left > 0) open.set(account.id, left);
      else open.delete(account.id);
      if (!out.writableEnded) out.end();
    };
    const stop = ctx.changes.subscribe(account.id, (change) => {
      if (types.length === 0) return;
      const first = pending === null;
      pending = Math.max(pending ?? 0, change.modseq);
      if (!first) return;
      setImmediate(() => {
        const modseq = pending as number;
        pending = null;
        stateChange(modseq);
        if (closeAfterState) finish();
      });
    });
    // The response's close: the client went away (the request's own 'close' fires once it is read).
    out.on('close', finish);
    finishers.add(finish);

    if (pingSeconds > 0) {
      const interval = Math.min(Math.max(pingSeconds, MIN_PING), MAX_PING);
      timer = setInterval(() => send('ping', { interval }), interval * 1000);
    }
    if (!closeAfterState && types.length > 0) {
      const usage = await findAccountUsage(ctx.db, account.id);
      stateChange(usage?.highest_modseq ?? 0);
    }
  });
}
