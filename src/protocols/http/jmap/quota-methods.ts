/**
 * JMAP Quotas (RFC 9425): the account's mail storage, as the webmail's quota bar and any JMAP client
 * read it. One Quota object, `mail`, over the same figures as IMAP GETQUOTA and the SMTP refusals:
 * the bytes of the account's messages against its profile's quota.
 *
 * Implementation notes
 * - State: the used bytes and the limit together. Administrators change a limit without touching
 *   the account's modseq, so the account state could not tell; this one changes with either.
 * - /changes: with one object, a different state means it was updated (never created or destroyed:
 *   every account has it).
 * - warnLimit is 80 % of the limit: where the webmail starts to warn (PRODUCT: 80/90/100 %).
 * - /query has filters name, scope, resourceType and type (§4.3), sort by name or used; with one
 *   object its queryState is the state, and /queryChanges is cannotCalculateChanges.
 */
import { findRecipient } from '../../../core/mail/index.js';
import { invalidArguments, type MethodContext, type MethodDefinition, MethodFailure } from './dispatch.js';
import { idsArgument, knownArguments, propertiesArgument, requireAccount } from './method-arguments.js';
import { methodError } from './request.js';

export const QUOTA_CAPABILITY = 'urn:ietf:params:jmap:quota';
const QUOTA_ID = 'mail';
const WARN_RATIO = 0.8;
const PROPERTIES = [
  'id',
  'resourceType',
  'used',
  'hardLimit',
  'scope',
  'name',
  'types',
  'warnLimit',
  'softLimit',
  'description',
] as const;

interface QuotaFigures {
  object: Record<string, unknown>;
  state: string;
}

async function mailQuota(call: MethodContext): Promise<QuotaFigures> {
  const recipient = await findRecipient(call.ctx, call.account.address);
  const used = recipient?.usedBytes ?? 0;
  const hardLimit = recipient?.quotaBytes ?? 0;
  return {
    state: `${used}-${hardLimit}`,
    object: {
      id: QUOTA_ID,
      resourceType: 'octets',
      used,
      hardLimit,
      scope: 'account',
      name: call.account.address,
      types: ['Mail'],
      warnLimit: Math.floor(hardLimit * WARN_RATIO),
      softLimit: null,
      description: null,
    },
  };
}

async function quotaGet(call: MethodContext, args: Record<string, unknown>) {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ids', 'properties']);
  const ids = idsArgument(args.ids) ?? [QUOTA_ID];
  const properties = new Set(propertiesArgument(args.properties, PROPERTIES));
  properties.add('id');
  const { object, state } = await mailQuota(call);
  const picked = Object.fromEntries(Object.entries(object).filter(([key]) => properties.has(key)));
  return {
    accountId: call.account.id,
    state,
    list: ids.includes(QUOTA_ID) ? [picked] : [],
    notFound: ids.filter((id) => id !== QUOTA_ID),
  };
}

async function quotaChanges(call: MethodContext, args: Record<string, unknown>) {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'sinceState', 'maxChanges']);
  if (typeof args.sinceState !== 'string') throw invalidArguments('sinceState must be a string');
  if (!/^\d+-\d+$/.test(args.sinceState)) {
    throw new MethodFailure(methodError('cannotCalculateChanges', 'unknown state'));
  }
  const { state } = await mailQuota(call);
  return {
    accountId: call.account.id,
    oldState: args.sinceState,
    newState: state,
    hasMoreChanges: false,
    created: [],
    updated: args.sinceState === state ? [] : [QUOTA_ID],
    destroyed: [],
    updatedProperties: null,
  };
}

function matches(object: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value !== 'string') throw invalidArguments(`filter ${key} must be a string`);
    if (key === 'name' && !String(object.name).includes(value)) return false;
    else if (key === 'scope' && object.scope !== value) return false;
    else if (key === 'resourceType' && object.resourceType !== value) return false;
    else if (key === 'type' && !(object.types as string[]).includes(value)) return false;
    else if (!['name', 'scope', 'resourceType', 'type'].includes(key)) {
      throw new MethodFailure(methodError('unsupportedFilter', `unknown filter ${key}`));
    }
  }
  return true;
}

async function quotaQuery(call: MethodContext, args: Record<string, unknown>) {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'filter', 'sort', 'position', 'limit', 'calculateTotal']);
  const filter = args.filter ?? {};
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw invalidArguments('filter must be an object');
  }
  const sort = args.sort ?? [];
  if (
    !Array.isArray(sort) ||
    !sort.every((s) => typeof s === 'object' && s !== null && ['name', 'used'].includes(s.property))
  ) {
    throw new MethodFailure(methodError('unsupportedSort', 'sort by name or used'));
  }
  const { object, state } = await mailQuota(call);
  const ids = matches(object, filter as Record<string, unknown>) ? [QUOTA_ID] : [];
  const position = typeof args.position === 'number' && args.position > 0 ? 1 : 0;
  return {
    accountId: call.account.id,
    queryState: state,
    canCalculateChanges: false,
    position: Math.min(position, ids.length),
    ids: ids.slice(position),
    ...(args.calculateTotal === true ? { total: ids.length } : {}),
  };
}

async function quotaQueryChanges(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  throw new MethodFailure(methodError('cannotCalculateChanges', 'query the quota again'));
}

export const QUOTA_METHODS: ReadonlyMap<string, MethodDefinition> = new Map<string, MethodDefinition>([
  ['Quota/get', { capability: QUOTA_CAPABILITY, handler: quotaGet }],
  ['Quota/changes', { capability: QUOTA_CAPABILITY, handler: quotaChanges }],
  ['Quota/query', { capability: QUOTA_CAPABILITY, handler: quotaQuery }],
  ['Quota/queryChanges', { capability: QUOTA_CAPABILITY, handler: quotaQueryChanges }],
]);
