/** Output of CLI commands: a human table or line, or JSON with --json. */
import type { Account } from '../store/sql/index.js';

export interface Output {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function presentAccount(account: Account) {
  return {
    id: account.id,
    identifier: account.identifier,
    address: account.address,
    firstName: account.first_name,
    lastName: account.last_name,
    role: account.role,
    status: account.status,
    locked: account.locked_until !== null && account.locked_until > Date.now(),
    lockedUntil: account.locked_until === null ? null : new Date(account.locked_until).toISOString(),
    failedAttempts: account.failed_attempts,
    mustChangePassword: account.must_change_password === 1,
    recoveryEmail: account.recovery_email,
    startDate: account.start_date,
    endDate: account.end_date,
    createdAt: new Date(account.created_at).toISOString(),
  };
}

export function emit(output: Output, value: unknown, human: string): void {
  output.out(output.json ? JSON.stringify(value, null, 2) : human);
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
