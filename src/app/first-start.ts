/**
 * First start (PRODUCT.md "Interface"): the organisation, the FACTEUR_DOMAIN domain and an
 * administrator whose one-time password is printed, or taken from FACTEUR_ADMIN_PASSWORD.
 *
 * Implementation notes
 * - Idempotent: each step runs only when its result is missing, so every start may call it and two
 *   nodes starting together converge (unique constraints decide, the loser re-reads).
 * - The administrator must change the password at first sign-in, like every provisional password.
 */

import type { CoreContext } from '../core/context.js';
import {
  addDomain,
  createAccount,
  ensureOrganisation,
  listOrganisationDomains,
} from '../core/directory/index.js';
import { UserError } from '../lib/errors/index.js';
import type { Config } from '../platform/config/index.js';
import { findAccountByIdentifier } from '../store/sql/index.js';

export const ADMIN_IDENTIFIER = 'admin';

export interface FirstStartReport {
  domainCreated: string | null;
  admin: { identifier: string; address: string; password: string; fromEnvironment: boolean } | null;
}

export async function ensureFirstStart(ctx: CoreContext, config: Config): Promise<FirstStartReport> {
  await ensureOrganisation(ctx, config.institutionName);
  const report: FirstStartReport = { domainCreated: null, admin: null };
  const domains = await listOrganisationDomains(ctx);
  if (!domains.some((d) => d.name === config.domain)) {
    try {
      await addDomain(ctx, config.domain, 'system');
      report.domainCreated = config.domain;
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'domain.exists')) throw error;
    }
  }
  if (!(await findAccountByIdentifier(ctx.db, ADMIN_IDENTIFIER))) {
    try {
      const created = await createAccount(
        ctx,
        {
          firstName: 'Administrateur',
          lastName: 'Facteur',
          domain: config.domain,
          identifier: ADMIN_IDENTIFIER,
          localPart: ADMIN_IDENTIFIER,
          role: 'admin',
          ...(config.adminPassword ? { password: config.adminPassword } : {}),
        },
        'system',
      );
      report.admin = {
        identifier: created.account.identifier,
        address: created.account.address,
        password: created.provisionalPassword,
        fromEnvironment: config.adminPassword !== undefined,
      };
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'account.exists')) throw error;
    }
  }
  return report;
}
