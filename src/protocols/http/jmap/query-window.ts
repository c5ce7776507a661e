/**
 * The page of a query result held in memory (RFC 8620 §5.5): `position` (negative counts from the
 * end) or `anchor` with `anchorOffset`, then `limit`. Mailbox/query and EmailSubmission/query read
 * their whole (small) result and answer through here; Email/query pages in SQL instead.
 */
import { invalidArguments, MethodFailure } from './dispatch.js';
import { nonNegativeInteger } from './method-arguments.js';
import { methodError } from './request.js';

/** The arguments this reads, for `knownArguments`. */
export const WINDOW_ARGUMENTS = ['position', 'anchor', 'anchorOffset', 'limit'] as const;

function integer(value: unknown, name: string): number {
  const number = value ?? 0;
  if (typeof number !== 'number' || !Number.isSafeInteger(number))
    throw invalidArguments(`${name} must be an integer`);
  return number;
}

/**
 * @param maxLimit the server's largest page; the answer says `limit` when it applied a smaller one
 *   than asked (or none was asked). Undefined: no bound, all the rest when no limit is given.
 * @throws MethodFailure invalidArguments, anchorNotFound
 */
export function queryWindow(
  result: readonly string[],
  args: Record<string, unknown>,
  maxLimit?: number,
): { position: number; ids: string[]; limit?: number } {
  const positionArgument = integer(args.position, 'position');
  const anchor = args.anchor ?? null;
  if (anchor !== null && typeof anchor !== 'string') throw invalidArguments('anchor must be an id');
  const anchorOffset = integer(args.anchorOffset, 'anchorOffset');
  const asked =
    args.limit === undefined || args.limit === null ? null : nonNegativeInteger(args.limit, 'limit', 0);
  const limit = maxLimit === undefined ? asked : Math.min(asked ?? maxLimit, maxLimit);
  let position: number;
  if (anchor !== null) {
    const index = result.indexOf(anchor);
    if (index < 0) throw new MethodFailure(methodError('anchorNotFound', 'the anchor is not in the results'));
    position = Math.max(0, index + anchorOffset);
  } else {
    position = positionArgument < 0 ? Math.max(0, result.length + positionArgument) : positionArgument;
  }
  position = Math.min(position, result.length);
  return {
    position,
    ids: result.slice(position, limit === null ? undefined : position + limit),
    ...(limit !== null && limit !== asked ? { limit } : {}),
  };
}
