import { type AuditRecord, listAudit } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

/** Entries read at most to apply an action filter (a prefix, filtered after reading). */
export const MAX_AUDIT_WINDOW = 1000;

/**
 * The audit log, newest first: of one target (an identifier) or all, optionally only actions starting
 * with `actionPrefix` (`app_password.` for every app-password event) among the newest MAX_AUDIT_WINDOW.
 */
export async function readAudit(
  ctx: CoreContext,
  options: { limit: number; target?: string; actionPrefix?: string },
): Promise<AuditRecord[]> {
  const { actionPrefix } = options;
  const rows = await listAudit(ctx.db, {
    limit: actionPrefix === undefined ? options.limit : MAX_AUDIT_WINDOW,
    ...(options.target === undefined ? {} : { target: options.target }),
  });
  return rows
    .filter((row) => actionPrefix === undefined || row.action.startsWith(actionPrefix))
    .slice(0, options.limit);
}
