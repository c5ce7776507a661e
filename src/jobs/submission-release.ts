/**
 * The release loop of held submissions (undo send, scheduled send): every RELEASE_INTERVAL_MS it
 * sends what is due (core/compose), and once an hour forgets uploads no draft used within a day.
 * Several nodes may run it on one PostgreSQL database: claims are leases (store/sql/compose.ts).
 */
import { releaseDueSubmissions } from '../core/compose/index.js';
import type { CoreContext } from '../core/context.js';
import type { Logger } from '../platform/log/index.js';
import { purgeUploads } from '../store/sql/index.js';

/** Added latency of a held message past its release time. */
export const RELEASE_INTERVAL_MS = 1_000;
/** RFC 8620 §6.1 asks to keep unreferenced uploads at least an hour; a day lets a draft sit overnight. */
export const UPLOAD_RETENTION_MS = 24 * 60 * 60_000;
const PURGE_EVERY_MS = 60 * 60_000;

export interface SubmissionReleaser {
  start(): void;
  stop(): Promise<void>;
  /** One pass (tests drive it with a manual clock). */
  runOnce(): Promise<void>;
}

export function createSubmissionReleaser(
  ctx: CoreContext,
  log: Logger,
  intervalMs = RELEASE_INTERVAL_MS,
): SubmissionReleaser {
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let stopping = false;
  let lastPurge = 0;

  async function runOnce(): Promise<void> {
    await releaseDueSubmissions(ctx);
    const now = ctx.clock.now();
    if (now - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now;
      await purgeUploads(ctx.db, now - UPLOAD_RETENTION_MS);
    }
  }

  function schedule() {
    if (stopping) return;
    timer = setTimeout(() => {
      pass = runOnce()
        .catch((error: unknown) =>
          log.error({ event: 'submission.release_pass_failed', err: error }, 'release pass failed'),
        )
        .finally(() => {
          pass = undefined;
          schedule();
        });
    }, intervalMs);
    timer.unref();
  }

  return {
    start() {
      stopping = false;
      if (timer === undefined) schedule();
    },
    async stop() {
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await pass;
    },
    runOnce,
  };
}
