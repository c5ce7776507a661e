import type { CoreContext } from '../../core/context.js';
import {
  addDomain,
  domainDnsRecords,
  getDomain,
  listOrganisationDomains,
  zoneTxt,
} from '../../core/directory/index.js';
import { emit, type Output, table } from '../output.js';
import { parseCommandArgs, USAGE, UsageError } from '../usage.js';

export async function domainCommand(
  ctx: CoreContext,
  args: string[],
  output: Output,
  mailHost: string,
): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'dns') {
    const { positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.domainDns, {
      min: 1,
      max: 1,
    });
    const domain = await getDomain(ctx, positionals[0] as string);
    const records = await domainDnsRecords(ctx, domain, mailHost);
    emit(
      output,
      records,
      records
        .map(
          (r) =>
            `; ${r.purpose}\n${r.name} 3600 IN ${r.type} ${r.type === 'TXT' ? zoneTxt(r.value) : r.value}`,
        )
        .join('\n'),
    );
    return;
  }
  if (sub === 'add') {
    const { positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.domainAdd, {
      min: 1,
      max: 1,
    });
    const domain = await addDomain(ctx, positionals[0] as string, 'cli');
    emit(output, { id: domain.id, name: domain.name }, `domain ${domain.name} added`);
    return;
  }
  if (sub === 'list') {
    parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.domainList, { min: 0, max: 0 });
    const domains = await listOrganisationDomains(ctx);
    emit(
      output,
      domains.map((d) => ({ id: d.id, name: d.name })),
      domains.length === 0 ? 'no domains' : table([['DOMAIN'], ...domains.map((d) => [d.name])]),
    );
    return;
  }
  throw new UsageError(
    sub ? `unknown domain command "${sub}"` : 'missing domain command',
    `${USAGE.domainAdd} | ${USAGE.domainList} | ${USAGE.domainDns}`,
  );
}
