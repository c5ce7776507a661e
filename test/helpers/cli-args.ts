/** `facteur user add` arguments for a person of the test domain. */
export function userAddArgs(first: string, last: string, ...extra: string[]): string[] {
  return ['user', 'add', '--first', first, '--last', last, '--domain', 'ac-test.fr', ...extra];
}
