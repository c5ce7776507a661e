/**
 * Organisations, their domains and profiles.
 *
 * Implementation notes
 * - One deployment usually serves one organisation (an académie, a city); the model allows several
 *   so a shared hosting (a région hosting its lycées' académie) needs no migration later.
 * - Domain names are stored lower-case ASCII; `addDomain` is idempotent-safe: a second add of the
 *   same name answers `domain.exists`.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/errors/index.js';
import {
  appendAudit,
  type Domain,
  findDefaultOrganisation,
  findDomainByName,
  insertDomain,
  insertOrganisation,
  insertProfile,
  isUniqueViolation,
  listDomains,
  type Organisation,
} from '../../store/sql/index.js';
import type { Actor, CoreContext } from '../context.js';
import { DEFAULT_PROFILES } from './defaults.js';
import { ensureDkimKey } from './dkim.js';

const DOMAIN_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The organisation this deployment serves, created with its default profiles on first use. */
export async function ensureOrganisation(ctx: CoreContext, name: string): Promise<Organisation> {
  const existing = await findDefaultOrganisation(ctx.db);
  if (existing) return existing;
  const now = ctx.clock.now();
  const organisation: Organisation = { id: randomUUID(), name, created_at: now };
  await ctx.db.transaction().execute(async (trx) => {
    await insertOrganisation(trx, organisation);
    for (const p of DEFAULT_PROFILES) {
      await insertProfile(trx, {
        id: randomUUID(),
        organisation_id: organisation.id,
        name: p.name,
        label: p.label,
        quota_bytes: p.quotaBytes,
        retention_days: p.retentionDays,
        two_factor_required: p.twoFactorRequired ? 1 : 0,
        forwarding_allowed: p.forwardingAllowed ? 1 : 0,
        external_sending_allowed: p.externalSendingAllowed ? 1 : 0,
        created_at: now,
      });
    }
  });
  return organisation;
}

export function normaliseDomainName(input: string): string {
  const name = input.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN_NAME.test(name)) {
    throw new UserError(
      'domain.invalid',
      `"${input}" is not a domain name (expected something like ac-exemple.fr)`,
    );
  }
  return name;
}

/** @throws UserError `domain.invalid`, `domain.exists` */
export async function addDomain(ctx: CoreContext, input: string, actor: Actor): Promise<Domain> {
  const name = normaliseDomainName(input);
  const organisation = await findDefaultOrganisation(ctx.db);
  if (!organisation)
    throw new UserError('organisation.missing', 'no organisation: start the server once first');
  const domain: Domain = {
    id: randomUUID(),
    organisation_id: organisation.id,
    name,
    created_at: ctx.clock.now(),
  };
  try {
    await insertDomain(ctx.db, domain);
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError('domain.exists', `domain ${name} already exists`);
    throw error;
  }
  await ensureDkimKey(ctx, domain);
  await appendAudit(ctx.db, {
    at: domain.created_at,
    actor,
    action: 'domain.added',
    target: name,
    details: null,
  });
  return domain;
}

export async function getDomain(ctx: CoreContext, input: string): Promise<Domain> {
  const name = input.trim().toLowerCase();
  const domain = await findDomainByName(ctx.db, name);
  if (!domain)
    throw new UserError(
      'domain.not_found',
      `domain ${name} does not exist (add it with: facteur domain add ${name})`,
    );
  return domain;
}

export async function listOrganisationDomains(ctx: CoreContext): Promise<Domain[]> {
  const organisation = await findDefaultOrganisation(ctx.db);
  return organisation ? listDomains(ctx.db, organisation.id) : [];
}
