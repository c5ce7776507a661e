import type { EmailSummary } from '../jmap/types';

/**
 * The messages list rows stand for, which their actions (bulk, drag and drop) act on: in the
 * conversation view a row's conversation (its messages in the folder shown), else the row itself.
 */
export function messagesOf(rows: readonly EmailSummary[]): string[] {
  return [...new Set(rows.flatMap((row) => row.conversation?.emailIds ?? [row.id]))];
}
