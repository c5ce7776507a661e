/**
 * What every JMAP method checks of its arguments (RFC 8620 §5): the account, unknown arguments,
 * ids and properties of a /get, integers; and the account state answered with.
 */
import { findAccountUsage } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { methodError } from './request.js';

export const MAX_OBJECTS_IN_GET = 500;

export async function accountState(call: MethodContext): Promise<string> {
  const usage = await findAccountUsage(call.ctx.db, call.account.id);
  return String(usage?.highest_modseq ?? 0);
}

export function requireAccount(call: MethodContext, args: Record<string, unknown>): void {
  if (args.accountId !== call.account.id) {
    throw new MethodFailure(methodError('accountNotFound', 'no such account for this user'));
  }
}

export function knownArguments(args: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(args).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw invalidArguments(`unknown arguments: ${unknown.join(', ')}`);
}

/** `ids` of a /get: null (all) or an array of strings, bounded. */
export function idsArgument(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) {
    throw invalidArguments('ids must be null or an array of ids');
  }
  if (value.length > MAX_OBJECTS_IN_GET) {
    throw new MethodFailure(methodError('requestTooLarge', `at most ${MAX_OBJECTS_IN_GET} ids per call`));
  }
  return [...new Set(value as string[])];
}

export function propertiesArgument(value: unknown, supported: readonly string[]): readonly string[] {
  if (value === undefined || value === null) return supported;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    throw invalidArguments('properties must be null or an array of names');
  }
  const unknown = (value as string[]).filter((p) => !supported.includes(p));
  if (unknown.length > 0) throw invalidArguments(`unknown or unsupported properties: ${unknown.join(', ')}`);
  return value as string[];
}

/** The arguments every /get takes (RFC 8620 §5.1), checked, and the state to answer with. */
export async function getArguments(
  call: MethodContext,
  args: Record<string, unknown>,
  supported: readonly string[],
  type: string,
  extraArguments: readonly string[] = [],
): Promise<{ ids: string[] | null; properties: readonly string[]; state: string }> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ids', 'properties', ...extraArguments]);
  const ids = idsArgument(args.ids);
  // Types of which an account has few (mailboxes, identities, its submissions, the vacation
  // singleton) may be asked whole.
  if (ids === null && !['Mailbox', 'Identity', 'EmailSubmission', 'VacationResponse'].includes(type)) {
    throw new MethodFailure(methodError('requestTooLarge', `${type}/get needs explicit ids`));
  }
  return { ids, properties: propertiesArgument(args.properties, supported), state: await accountState(call) };
}

/** A /get response: the found objects in the asked order, the others as notFound. */
export function getResponse(
  call: MethodContext,
  state: string,
  wanted: readonly string[],
  found: ReadonlyMap<string, Record<string, unknown>>,
): Record<string, unknown> {
  return {
    accountId: call.account.id,
    state,
    list: wanted.flatMap((id) => {
      const object = found.get(id);
      return object ? [object] : [];
    }),
    notFound: wanted.filter((id) => !found.has(id)),
  };
}

export function nonNegativeInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArguments(`${name} must be a non-negative integer`);
  }
  return value;
}

/** The state a /set starts from; `ifInState` other than it is stateMismatch (RFC 8620 §5.3). */
export async function stateForSet(call: MethodContext, args: Record<string, unknown>): Promise<string> {
  const state = await accountState(call);
  if (args.ifInState !== undefined && args.ifInState !== null && args.ifInState !== state) {
    throw new MethodFailure(methodError('stateMismatch', 'the account changed since that state'));
  }
  return state;
}
