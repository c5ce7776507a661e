/**
 * `facteur user add` arguments for a person of the test domain.
 *
 * The profile is `student` unless `extra` names one: the default profile (`staff`) requires
 * two-step sign-in, which would lead every test's first web sign-in to an enrolment. Tests of
 * that enrolment pass `--profile staff`.
 */
export function userAddArgs(first: string, last: string, ...extra: string[]): string[] {
  const profile = extra.includes('--profile') ? [] : ['--profile', 'student'];
  return ['user', 'add', '--first', first, '--last', last, '--domain', 'ac-test.fr', ...profile, ...extra];
}
