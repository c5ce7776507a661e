import { createReadStream, existsSync } from 'node:fs';
import type { CoreContext } from '../../core/context.js';
import { getAccount } from '../../core/directory/index.js';
import { importMbox } from '../../core/mail/index.js';
import { emit, type Output } from '../output.js';
import { parseCommandArgs, USAGE, UsageError } from '../usage.js';

export async function importCommand(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const [format, ...rest] = args;
  if (format !== 'mbox') {
    throw new UsageError(
      format ? `unknown import format "${format}"` : 'missing import format',
      USAGE.importMbox,
    );
  }
  const { values, positionals } = parseCommandArgs(
    rest,
    { folder: { type: 'string' }, json: { type: 'boolean' } },
    USAGE.importMbox,
    { min: 2, max: 2 },
  );
  const [address, file] = positionals as [string, string];
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, USAGE.importMbox);
  const account = await getAccount(ctx, address);
  const started = Date.now();
  const report = await importMbox(ctx, account, createReadStream(file, { highWaterMark: 1 << 20 }), {
    ...(values.folder ? { mailboxPath: values.folder } : {}),
    onProgress: (n) => {
      if (!output.json) output.err(`  ${n} messages…`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  emit(
    output,
    { account: account.address, folder: report.mailboxPath, imported: report.imported, seconds },
    `${report.imported} messages imported into ${account.address} ${report.mailboxPath} in ${seconds.toFixed(1)} s`,
  );
}
