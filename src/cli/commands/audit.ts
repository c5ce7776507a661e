/**
 * `facteur audit list`: the security and administration events (sign-in lockouts, password changes,
 * app passwords, announcements…), newest first. Details never hold secrets (store/sql/audit-log.ts).
 */
import { MAX_AUDIT_WINDOW, readAudit } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import { findAccountByLogin } from '../../core/directory/index.js';
import { UserError } from '../../lib/errors/index.js';
import { emit, type Output, table } from '../output.js';
import { parseCommandArgs, parseCount, USAGE, UsageError } from '../usage.js';

const MAX_LIMIT = MAX_AUDIT_WINDOW;

export async function auditCommand(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'list') {
    throw new UsageError(sub ? `unknown audit command "${sub}"` : 'missing audit command', USAGE.auditList);
  }
  const { values } = parseCommandArgs(
    rest,
    {
      json: { type: 'boolean' },
      user: { type: 'string' },
      action: { type: 'string' },
      limit: { type: 'string' },
    },
    USAGE.auditList,
    { min: 0, max: 0 },
  );
  const limit = parseCount(values.limit, 'limit', 50, USAGE.auditList);
  if (limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit is 1 to ${MAX_LIMIT}`, USAGE.auditList);
  let target: string | undefined;
  if (values.user !== undefined) {
    const account = await findAccountByLogin(ctx, values.user);
    if (!account) throw new UserError('account.not_found', `no account ${values.user}`);
    target = account.identifier;
  }
  const entries = await readAudit(ctx, {
    limit,
    ...(target === undefined ? {} : { target }),
    ...(values.action === undefined ? {} : { actionPrefix: values.action }),
  });
  const present = entries.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
  emit(
    output,
    present,
    present.length === 0
      ? 'no audit entries'
      : table([
          ['AT', 'ACTOR', 'ACTION', 'TARGET', 'DETAILS'],
          ...present.map((e) => [
            e.at,
            e.actor,
            e.action,
            e.target ?? '',
            e.details ? JSON.stringify(e.details) : '',
          ]),
        ]),
  );
}
