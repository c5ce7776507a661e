import { describe, expect, it } from 'vitest';
import { evaluatePassword } from '../../../common/password-policy.js';
import { buildChecklist, clientViolations } from './password-checklist';

const ctx = {
  firstName: 'Sylvie',
  lastName: 'Dupont',
  identifier: 'sdupont',
  address: 'sylvie.dupont@ac-exemple.fr',
};
const stateOf = (rules: ReturnType<typeof buildChecklist>, id: string) =>
  rules.find((r) => r.id === id)?.state;

describe('buildChecklist', () => {
  it('marks nothing as met for an empty password', () => {
    const rules = buildChecklist(evaluatePassword('', ctx), {
      password: '',
      currentPassword: 'old',
      birthDateKnown: false,
    });
    expect(rules.every((r) => r.state === 'unmet')).toBe(true);
    expect(rules.some((r) => r.id === 'contains_birth_date')).toBe(false);
  });

  it('leaves the birth-date rule to the server unless it has reported it', () => {
    const password = 'Cadran-Solaire-Ete-42!';
    const base = { password, currentPassword: 'old', birthDateKnown: true };
    expect(stateOf(buildChecklist(evaluatePassword(password, ctx), base), 'contains_birth_date')).toBe(
      'pending',
    );
    const rejected = buildChecklist(evaluatePassword(password, ctx), {
      ...base,
      serverViolations: ['contains_birth_date'],
    });
    expect(stateOf(rejected, 'contains_birth_date')).toBe('unmet');
  });

  it('flags a new password equal to the current one', () => {
    const password = 'Cadran-Solaire-Ete-42!';
    const input = { password, currentPassword: password, birthDateKnown: false };
    expect(clientViolations(evaluatePassword(password, ctx), input)).toEqual(['same_as_current']);
    expect(stateOf(buildChecklist(evaluatePassword(password, ctx), input), 'too_short')).toBe('met');
  });
});
