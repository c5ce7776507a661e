import type { AccountInfo, SessionInfo } from '../../../../common/api.js';
import type { CoreContext } from '../../../core/context.js';
import type { Account } from '../../../store/sql/index.js';

export function presentAccount(account: Account): AccountInfo {
  return {
    id: account.id,
    identifier: account.identifier,
    address: account.address,
    firstName: account.first_name,
    lastName: account.last_name,
    role: account.role,
    birthDateKnown: account.birth_date_hash !== null,
  };
}

export function presentSession(ctx: CoreContext, account: Account): SessionInfo {
  return {
    account: presentAccount(account),
    mustChangePassword: account.must_change_password === 1,
    idleTimeoutMs: ctx.auth.sessionIdleMs,
  };
}
