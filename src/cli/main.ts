/**
 * The `facteur` command. Every command accepts --json; bad arguments exit 2 with one line, a user
 * error (unknown account, existing domain) exits 1 with one line, never a stack trace.
 */
import { openFacteur } from '../app/index.js';
import { ensureOrganisation } from '../core/directory/index.js';
import { InputError, UserError } from '../lib/errors/index.js';
import { ConfigError, loadConfig } from '../platform/config/index.js';
import { createLogger } from '../platform/log/index.js';
import { announceCommand } from './commands/announce.js';
import { auditCommand } from './commands/audit.js';
import { domainCommand } from './commands/domain.js';
import { importCommand } from './commands/import.js';
import { queueCommand } from './commands/queue.js';
import { serveCommand } from './commands/serve.js';
import { userCommand } from './commands/user.js';
import type { Output } from './output.js';
import { GENERAL_USAGE, UsageError } from './usage.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const output: Output = { json: rest.includes('--json'), out: io.stdout, err: io.stderr };
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(GENERAL_USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    if (!['serve', 'domain', 'user', 'import', 'queue', 'announce', 'audit'].includes(command)) {
      throw new UsageError(
        `unknown command "${command}"`,
        'facteur serve|domain|user|import|queue|announce|audit (facteur --help)',
      );
    }
    const config = loadConfig(io.env);
    if (command === 'serve') {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'facteur serve');
      await serveCommand(config, createLogger({ level: config.logLevel }), output);
      return 0;
    }
    // Administrative commands log only problems, on stderr, so their output stays parseable.
    const log = createLogger({ level: 'warn', destination: process.stderr });
    const facteur = await openFacteur(config, log);
    try {
      await ensureOrganisation(facteur.ctx, config.institutionName);
      if (command === 'domain')
        await domainCommand(facteur.ctx, rest, output, config.hostname ?? `mail.${config.domain}`);
      else if (command === 'import') await importCommand(facteur.ctx, rest, output);
      else if (command === 'queue') await queueCommand(facteur.ctx, rest, output);
      else if (command === 'announce') await announceCommand(facteur.ctx, rest, output);
      else if (command === 'audit') await auditCommand(facteur.ctx, rest, output);
      else await userCommand(facteur.ctx, rest, output);
    } finally {
      await facteur.close();
    }
    return 0;
  } catch (error) {
    return report(error, output);
  }
}

function report(error: unknown, output: Output): number {
  if (error instanceof UsageError) {
    output.err(`facteur: ${error.message} (usage: ${error.usage})`);
    return 2;
  }
  if (error instanceof ConfigError) {
    output.err(`facteur: ${error.message}`);
    return 2;
  }
  if (error instanceof UserError || error instanceof InputError) {
    output.err(
      output.json
        ? JSON.stringify({ error: { code: error.code, message: error.message } })
        : `facteur: ${error.message}`,
    );
    return 1;
  }
  output.err(`facteur: internal error: ${(error as Error)?.message ?? String(error)}`);
  return 70;
}
