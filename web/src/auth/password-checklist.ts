import type { PasswordViolation } from '../../../common/api.js';
import { PASSWORD_VIOLATIONS, type PasswordEvaluation } from '../../../common/password-policy.js';

export type RuleState = 'met' | 'unmet' | 'pending';

export interface ChecklistRule {
  id: PasswordViolation;
  state: RuleState;
}

export interface ChecklistInput {
  password: string;
  currentPassword: string;
  /** The server knows a birth date; the client never sees it, so that rule is checked on submit. */
  birthDateKnown: boolean;
  /** Violations the server reported for exactly this password (it alone can check the birth date). */
  serverViolations?: readonly PasswordViolation[];
}

/**
 * The rules listed under the new-password field, each met, unmet or checked by the server. With an
 * empty password nothing is "met": a green tick for "does not contain your name" on an empty field
 * would only mislead.
 */
export function buildChecklist(evaluation: PasswordEvaluation, input: ChecklistInput): ChecklistRule[] {
  const failed = new Set(clientViolations(evaluation, input));
  const empty = input.password === '';
  const rules: ChecklistRule[] = [];
  for (const id of PASSWORD_VIOLATIONS) {
    if (id === 'contains_birth_date') {
      if (input.birthDateKnown) rules.push({ id, state: failed.has(id) ? 'unmet' : 'pending' });
      continue;
    }
    if (id === 'same_as_current' && input.currentPassword === '') {
      rules.push({ id, state: empty ? 'unmet' : 'pending' });
      continue;
    }
    rules.push({ id, state: empty || failed.has(id) ? 'unmet' : 'met' });
  }
  return rules;
}

/** Violations known in the browser: the policy's plus `same_as_current`, in union order. */
export function clientViolations(evaluation: PasswordEvaluation, input: ChecklistInput): PasswordViolation[] {
  const found = new Set<PasswordViolation>([...evaluation.violations, ...(input.serverViolations ?? [])]);
  if (input.password !== '' && input.password === input.currentPassword) found.add('same_as_current');
  return PASSWORD_VIOLATIONS.filter((v) => found.has(v));
}
