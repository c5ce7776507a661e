/**
 * The outbound queue runner: takes due recipients, delivers them one message and domain at a time,
 * and records what happened.
 *
 * Implementation notes
 * - Claiming is a lease in the database (store/sql/outbound-queue.ts): on PostgreSQL several Facteur
 *   nodes run this loop against one queue and never attempt the same recipient at once (`FOR UPDATE
 *   SKIP LOCKED`); on SQLite the claim is a single write statement. Each runner has its own owner id
 *   and every write is fenced by it.
 * - LEASE_MS outlasts any attempt under the client's timeouts, so a lease only ends early when its
 *   node died; the recipients then come back to every node. If an attempt ever outlived its lease,
 *   another node could deliver the same recipient again: a duplicate, never a loss (RFC 5321 §6.1).
 * - Recipients of one message are grouped by domain: one SMTP transaction per group.
 * - `runOnce` processes everything due at `ctx.clock.now()`, batch after batch, including DSNs that
 *   the pass itself queued; tests drive it with a manual clock. `start` runs it every
 *   POLL_INTERVAL_MS; `stop` lets attempts in flight finish and hands back what was claimed but not
 *   started.
 * - Finished messages (no queued recipient) are kept for `queue list --all` and purged
 *   FINISHED_RETENTION_MS after they expired.
 */
import { randomUUID } from 'node:crypto';
import type { CoreContext } from '../core/context.js';
import {
  type AttemptReport,
  applyDeliveryResults,
  type OutboundTransport,
  QUEUE_LIFETIME_MS,
} from '../core/outbound/index.js';
import type { Logger } from '../platform/log/index.js';
import {
  createSmtpTransport,
  type OutboundTimeouts,
  type RelayTarget,
} from '../protocols/smtp/outbound-client.js';
import { parseBlobId } from '../store/blob/index.js';
import {
  claimDueRecipients,
  findOutboundMessage,
  type OutboundRecipient,
  purgeFinishedOutboundMessages,
  releaseRecipients,
} from '../store/sql/index.js';

/**
 * How long a claim holds its recipients: more than the longest attempt (MAX_CONNECTION_ATTEMPTS
 * connections of 30 s connect + 5 min greeting, then a transaction that stalls at most 10 min
 * between replies), yet short enough that a dead node's work resumes within the hour.
 */
export const LEASE_MS = 60 * 60_000;
/** Recipients claimed per statement: bounds memory and lets other nodes share a large backlog. */
export const CLAIM_BATCH_SIZE = 200;
/** How often `start` looks for due work; new messages are due at once, so this is the added latency. */
export const POLL_INTERVAL_MS = 5_000;
/** How long finished messages stay listed after their expiry, for operators tracing a complaint. */
export const FINISHED_RETENTION_MS = 7 * 24 * 60 * 60_000;

export interface QueueRunnerOptions {
  ctx: CoreContext;
  log: Logger;
  /** Our host name: EHLO, Reporting-MTA of DSNs. */
  hostname: string;
  /** Smarthost (FACTEUR_RELAY): every message goes there, without MX lookups. */
  relay?: RelayTarget;
  /** Port of remote MX hosts; 25 unless a test points it at a sink. */
  remotePort?: number;
  /** Deliveries (message × domain) in flight at once. */
  concurrency: number;
  pollIntervalMs?: number;
  /** Recipients claimed per statement (CLAIM_BATCH_SIZE); tests lower it to interleave runners. */
  claimBatchSize?: number;
  timeouts?: Partial<OutboundTimeouts>;
  /** Replaces the SMTP client (tests of the queue alone). */
  transport?: OutboundTransport;
}

export type RunReport = AttemptReport & { attempts: number; errors: number };

export interface QueueRunner {
  /** Runs `runOnce` every poll interval until `stop`. */
  start(): void;
  /** Stops polling and resolves once the attempts in flight are recorded. */
  stop(): Promise<void>;
  /** Processes everything due now; concurrent calls share one pass. */
  runOnce(): Promise<RunReport>;
}

export function createQueueRunner(options: QueueRunnerOptions): QueueRunner {
  const { ctx, hostname } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  const log = options.log.child({ job: 'queue-runner' });
  const owner = randomUUID();
  const transport =
    options.transport ??
    createSmtpTransport({
      hostname,
      resolver: ctx.dns,
      log,
      ...(options.relay ? { relay: options.relay } : {}),
      ...(options.remotePort === undefined ? {} : { remotePort: options.remotePort }),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    });
  let pass: Promise<RunReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let isStopping = false;

  async function deliverGroup(rows: OutboundRecipient[], report: RunReport): Promise<void> {
    const first = rows[0] as OutboundRecipient;
    try {
      const message = await findOutboundMessage(ctx.db, first.message_id);
      if (!message) return; // deleted meanwhile: its recipients went with it
      const results = await transport({
        queueId: message.id,
        mailFrom: message.mail_from,
        domain: first.domain,
        recipients: rows.map((r) => r.recipient),
        size: message.size,
        openMessage: () => ctx.blobs.get(parseBlobId(message.blob_id)),
      });
      const outcome = await applyDeliveryResults(ctx, { hostname, owner, message, claimed: rows, results });
      report.attempts += 1;
      for (const key of ['delivered', 'deferred', 'bounced', 'failed', 'lost'] as const) {
        report[key] += outcome[key];
      }
      for (const result of results) {
        log.info(
          {
            event: `outbound.${result.outcome}`,
            queueId: message.id,
            recipient: result.recipient,
            status: result.status,
            response: result.response,
          },
          `outbound ${result.outcome}`,
        );
      }
    } catch (error) {
      // The lease stays until it ends: retrying a failing group at once would spin.
      report.errors += 1;
      log.error({ event: 'outbound.runner.error', err: error, queueId: first.message_id }, 'attempt failed');
    }
  }

  async function runPass(): Promise<RunReport> {
    const report: RunReport = {
      attempts: 0,
      delivered: 0,
      deferred: 0,
      bounced: 0,
      failed: 0,
      lost: 0,
      errors: 0,
    };
    while (!isStopping) {
      const now = ctx.clock.now();
      const claimed = await claimDueRecipients(ctx.db, {
        owner,
        now,
        leaseUntil: now + LEASE_MS,
        limit: options.claimBatchSize ?? CLAIM_BATCH_SIZE,
      });
      if (claimed.length === 0) break;
      const groups = new Map<string, OutboundRecipient[]>();
      for (const row of claimed) {
        const key = `${row.message_id} ${row.domain}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      const pending = [...groups.values()];
      const worker = async () => {
        for (let group = pending.shift(); group; group = pending.shift()) {
          if (isStopping) {
            await releaseRecipients(
              ctx.db,
              group.map((r) => r.id),
              owner,
            );
          } else {
            await deliverGroup(group, report);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency, pending.length) }, worker));
    }
    const purged = await purgeFinishedOutboundMessages(
      ctx.db,
      ctx.clock.now() - QUEUE_LIFETIME_MS - FINISHED_RETENTION_MS,
    );
    if (purged > 0) log.info({ event: 'outbound.purged', messages: purged }, 'finished messages purged');
    return report;
  }

  function runOnce(): Promise<RunReport> {
    pass ??= runPass().finally(() => {
      pass = undefined;
    });
    return pass;
  }

  function schedule() {
    if (isStopping) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => {
          log.error({ event: 'outbound.runner.error', err: error }, 'queue pass failed');
        })
        .finally(schedule);
    }, options.pollIntervalMs ?? POLL_INTERVAL_MS);
    timer.unref();
  }

  return {
    start() {
      isStopping = false;
      if (timer === undefined) schedule();
    },
    async stop() {
      isStopping = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      // A failed pass was already logged by the timer loop, or rejected to the caller of runOnce.
      await pass?.catch(() => undefined);
    },
    runOnce,
  };
}
