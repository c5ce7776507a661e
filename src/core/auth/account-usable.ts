import type { Account } from '../../store/sql/index.js';

/** Active and not past its last day of access (the end date is inclusive, in UTC). */
export function isAccountUsable(account: Account, now: number): boolean {
  return (
    account.status === 'active' &&
    (account.end_date === null || new Date(`${account.end_date}T23:59:59.999Z`).getTime() >= now)
  );
}
