/**
 * `facteur queue list|retry|delete`: the outbound queue for operators (Postfix's `postqueue -p`,
 * `postqueue -i`, `postsuper -d`). Times are shown in ISO 8601 UTC.
 */
import type { CoreContext } from '../../core/context.js';
import { deleteQueued, listQueue, type QueueEntry, retryNow } from '../../core/outbound/index.js';
import { emit, type Output, table } from '../output.js';
import { parseCommandArgs, USAGE, UsageError } from '../usage.js';

/** Characters of the last remote reply shown in the human table (the JSON has it whole). */
const SHOWN_RESPONSE_CHARS = 60;

export async function queueCommand(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseCommandArgs(
      rest,
      { json: { type: 'boolean' }, all: { type: 'boolean' } },
      USAGE.queueList,
      { min: 0, max: 0 },
    );
    const entries = await listQueue(ctx, { all: values.all === true });
    emit(output, entries.map(present), entries.length === 0 ? 'queue empty' : humanTable(entries));
    return;
  }
  if (sub === 'retry') {
    const { positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.queueRetry, {
      min: 1,
      max: 1,
    });
    const id = positionals[0] as string;
    const count = await retryNow(ctx, id);
    emit(output, { id, recipients: count }, `${count} recipient(s) of ${id} due now`);
    return;
  }
  if (sub === 'delete') {
    const { positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.queueDelete, {
      min: 1,
      max: 1,
    });
    const id = positionals[0] as string;
    await deleteQueued(ctx, id);
    emit(output, { id, deleted: true }, `${id} deleted`);
    return;
  }
  throw new UsageError(
    sub ? `unknown queue command "${sub}"` : 'missing queue command',
    `${USAGE.queueList} | ${USAGE.queueRetry} | ${USAGE.queueDelete}`,
  );
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(entry: QueueEntry) {
  return {
    id: entry.id,
    mailFrom: entry.mailFrom,
    accountId: entry.accountId,
    size: entry.size,
    createdAt: iso(entry.createdAt),
    expiresAt: iso(entry.expiresAt),
    recipients: entry.recipients.map((r) => ({
      recipient: r.recipient,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'queued' ? iso(r.nextAttemptAt) : null,
      lastAttemptAt: iso(r.lastAttemptAt),
      lastResponse: r.lastResponse,
    })),
  };
}

function humanTable(entries: QueueEntry[]): string {
  const rows = [['ID', 'FROM', 'RECIPIENT', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST RESPONSE']];
  for (const entry of entries) {
    for (const r of entry.recipients) {
      rows.push([
        entry.id,
        entry.mailFrom === '' ? '<>' : entry.mailFrom,
        r.recipient,
        r.status,
        String(r.attempts),
        r.status === 'queued' ? (iso(r.nextAttemptAt) ?? '') : '',
        (r.lastResponse ?? '').slice(0, SHOWN_RESPONSE_CHARS),
      ]);
    }
  }
  return table(rows);
}
