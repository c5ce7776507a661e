/**
 * Validation of page bounds passed to listing queries.
 *
 * Implementation notes
 * - A listing never returns more than MAX_PAGE_SIZE rows: the bound keeps one admin request from
 *   loading a whole académie (tens of thousands of accounts) into memory.
 * - Bounds are validated, never coerced: NaN, negatives and fractions throw instead of turning into a
 *   silent "no limit" (STYLE §4.7).
 */

/** Bounds memory and response size of one listing call. */
export const MAX_PAGE_SIZE = 1_000;

/** @throws RangeError when `limit` is not an integer in 1..MAX_PAGE_SIZE or `offset` not an integer ≥ 0. */
export function assertPage(limit: number, offset = 0): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  }
}
