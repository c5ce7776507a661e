import type { CoreContext } from '../../core/context.js';
import {
  createAccount,
  disableAccount,
  enableAccount,
  getAccount,
  listAccounts,
  unlockAccount,
} from '../../core/directory/index.js';
import { emit, type Output, presentAccount, table } from '../output.js';
import { parseCommandArgs, parseCount, requireOption, USAGE, UsageError } from '../usage.js';

const json = { json: { type: 'boolean' } } as const;

export async function userCommand(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return userAdd(ctx, rest, output);
    case 'list':
      return userList(ctx, rest, output);
    case 'show': {
      const { positionals } = parseCommandArgs(rest, json, USAGE.userShow, { min: 1, max: 1 });
      const account = presentAccount(await getAccount(ctx, positionals[0] as string));
      emit(
        output,
        account,
        table(Object.entries(account).map(([k, v]) => [`${k}:`, v === null ? '-' : String(v)])),
      );
      return;
    }
    case 'disable':
    case 'enable':
    case 'unlock': {
      const usage =
        sub === 'disable' ? USAGE.userDisable : sub === 'enable' ? USAGE.userEnable : USAGE.userUnlock;
      const { positionals } = parseCommandArgs(rest, json, usage, { min: 1, max: 1 });
      const action = sub === 'disable' ? disableAccount : sub === 'enable' ? enableAccount : unlockAccount;
      const account = await action(ctx, positionals[0] as string, 'cli');
      const done = sub === 'disable' ? 'disabled' : sub === 'enable' ? 'enabled' : 'unlocked';
      emit(output, presentAccount(account), `${account.identifier} ${done}`);
      return;
    }
    default:
      throw new UsageError(
        sub ? `unknown user command "${sub}"` : 'missing user command',
        'facteur user add|list|show|disable|enable|unlock',
      );
  }
}

async function userAdd(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(
    args,
    {
      first: { type: 'string' },
      last: { type: 'string' },
      domain: { type: 'string' },
      profile: { type: 'string' },
      password: { type: 'string' },
      numen: { type: 'string' },
      'birth-date': { type: 'string' },
      'recovery-email': { type: 'string' },
      establishment: { type: 'string' },
      'end-date': { type: 'string' },
      admin: { type: 'boolean' },
      ...json,
    },
    USAGE.userAdd,
    { min: 0, max: 0 },
  );
  if (values.password !== undefined && values.numen !== undefined) {
    throw new UsageError('--password and --numen are mutually exclusive', USAGE.userAdd);
  }
  const { account, provisionalPassword } = await createAccount(
    ctx,
    {
      firstName: requireOption(values.first, 'first', USAGE.userAdd),
      lastName: requireOption(values.last, 'last', USAGE.userAdd),
      domain: requireOption(values.domain, 'domain', USAGE.userAdd),
      ...(values.profile ? { profile: values.profile } : {}),
      ...(values.password !== undefined ? { password: values.password } : {}),
      ...(values.numen !== undefined ? { numen: values.numen } : {}),
      ...(values['birth-date'] !== undefined ? { birthDate: values['birth-date'] } : {}),
      ...(values['recovery-email'] !== undefined ? { recoveryEmail: values['recovery-email'] } : {}),
      ...(values.establishment !== undefined ? { establishmentUai: values.establishment } : {}),
      ...(values['end-date'] !== undefined ? { endDate: values['end-date'] } : {}),
      ...(values.admin ? { role: 'admin' as const } : {}),
    },
    'cli',
  );
  emit(
    output,
    { identifier: account.identifier, address: account.address, provisionalPassword, id: account.id },
    [
      `identifier:           ${account.identifier}`,
      `address:              ${account.address}`,
      `provisional password: ${provisionalPassword}`,
      '(to be changed at first sign-in)',
    ].join('\n'),
  );
}

async function userList(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const { values } = parseCommandArgs(
    args,
    { status: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, ...json },
    USAGE.userList,
    { min: 0, max: 0 },
  );
  if (values.status !== undefined && values.status !== 'active' && values.status !== 'disabled') {
    throw new UsageError(`--status expects active or disabled, got "${values.status}"`, USAGE.userList);
  }
  const accounts = await listAccounts(ctx, {
    ...(values.status ? { status: values.status } : {}),
    limit: parseCount(values.limit, 'limit', 1000, USAGE.userList),
    offset: parseCount(values.offset, 'offset', 0, USAGE.userList),
  });
  const rows = accounts.map(presentAccount);
  emit(
    output,
    rows,
    rows.length === 0
      ? 'no accounts'
      : table([
          ['IDENTIFIER', 'ADDRESS', 'NAME', 'ROLE', 'STATUS', 'LOCKED'],
          ...rows.map((a) => [
            a.identifier,
            a.address,
            `${a.firstName} ${a.lastName}`,
            a.role,
            a.status,
            a.locked ? 'yes' : 'no',
          ]),
        ]),
  );
}
