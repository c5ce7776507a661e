/**
 * Paging and batching for actions on every message a query matches ("select all" of a 50 000-message
 * folder): the ids are read page by page (Email/query answers at most its limit, and may apply a
 * smaller one than asked), then changed by batches no larger than the server takes in one call
 * (maxObjectsInSet). Pure: the JMAP calls are passed in, so this is tested without a server.
 */

/** One page of a query: its ids, and the total when the server computed it. */
export interface IdPage {
  ids: readonly string[];
  total?: number | null;
}

/**
 * Every id of a query, in its order, read by pages of at most `pageSize`: each page starts where the
 * previous one ended (the server may answer fewer ids than asked), until an empty or last page. An id
 * read twice (mail arrived above it between two pages) is kept once.
 */
export async function collectIds(
  fetchPage: (position: number, limit: number) => Promise<IdPage>,
  pageSize: number,
  onProgress?: (found: number, total: number | null) => void,
): Promise<string[]> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be positive');
  const found = new Set<string>();
  let position = 0;
  let total: number | null = null;
  for (;;) {
    const page = await fetchPage(position, pageSize);
    if (typeof page.total === 'number') total = page.total;
    for (const id of page.ids) found.add(id);
    position += page.ids.length;
    onProgress?.(found.size, total);
    if (page.ids.length === 0 || (total !== null && position >= total)) return [...found];
  }
}

/** `items` cut into consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('size must be positive');
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}

/** A batch that failed part way: `done` of its items were changed before the failure. */
export class PartialBatchError extends Error {
  constructor(
    readonly done: number,
    message: string,
  ) {
    super(message);
    this.name = 'PartialBatchError';
  }
}

/** A batched action that stopped: `done` of `total` items were changed (and stay so). */
export class BatchFailure extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
    override readonly cause: unknown,
  ) {
    super(`stopped after ${done} of ${total}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BatchFailure';
  }
}

/**
 * Applies `apply` to `items` by batches of at most `size`, one after the other, saying after each
 * how many are done. The first failure stops it: a BatchFailure says how many were done, counting
 * those of the failed batch that were (PartialBatchError).
 */
export async function runBatches<T>(
  items: readonly T[],
  size: number,
  apply: (batch: T[]) => Promise<void>,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  let done = 0;
  for (const batch of chunk(items, size)) {
    try {
      await apply(batch);
    } catch (error) {
      const partial = error instanceof PartialBatchError ? Math.min(error.done, batch.length) : 0;
      throw new BatchFailure(done + partial, items.length, error);
    }
    done += batch.length;
    onProgress?.(done, items.length);
  }
}
