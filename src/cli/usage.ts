/**
 * Usage errors: bad arguments are answered with one line (what is wrong, then the usage of the
 * command) and exit code 2, never a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export const USAGE = {
  serve: 'facteur serve',
  domainAdd: 'facteur domain add DOMAIN [--json]',
  domainList: 'facteur domain list [--json]',
  domainDns: 'facteur domain dns DOMAIN [--json]',
  userAdd:
    'facteur user add --first F --last L --domain D [--profile P] [--password X | --numen N] [--birth-date YYYY-MM-DD] [--recovery-email E] [--establishment UAI] [--end-date YYYY-MM-DD] [--admin] [--json]',
  userList: 'facteur user list [--status active|disabled] [--limit N] [--offset N] [--json]',
  userShow: 'facteur user show IDENTIFIER|ADDRESS [--json]',
  userDisable: 'facteur user disable IDENTIFIER|ADDRESS [--json]',
  userEnable: 'facteur user enable IDENTIFIER|ADDRESS [--json]',
  userUnlock: 'facteur user unlock IDENTIFIER|ADDRESS [--json]',
  importMbox: 'facteur import mbox ADDRESS FILE [--folder NAME] [--json]',
  queueList: 'facteur queue list [--all] [--json]',
  queueRetry: 'facteur queue retry ID [--json]',
  queueDelete: 'facteur queue delete ID [--json]',
  announceAdd:
    'facteur announce add --start TIME --end TIME --title T --text T [--kind info|maintenance] [--title-en T --text-en T] [--json]',
  announceList: 'facteur announce list [--all] [--json]',
  announceRemove: 'facteur announce remove ID [--json]',
  auditList: 'facteur audit list [--user IDENTIFIER|ADDRESS] [--action PREFIX] [--limit N] [--json]',
} as const;

export const GENERAL_USAGE = [
  'usage: facteur <command> [options]',
  '',
  'commands:',
  ...Object.values(USAGE).map((u) => `  ${u}`),
  '',
  'Configuration comes from FACTEUR_* environment variables (docs/configuration.md).',
].join('\n');

/** parseArgs with its TypeErrors turned into UsageError. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
  positionals: { min: number; max: number },
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments', usage);
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError('missing argument', usage);
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`, usage);
  }
  return parsed;
}

export function requireOption(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${name}`, usage);
  return value;
}

export function parseCount(value: string | undefined, name: string, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value))
    throw new UsageError(`--${name} expects a whole number, got "${value}"`, usage);
  return Number(value);
}
