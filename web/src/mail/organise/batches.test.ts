import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchFailure, chunk, collectIds, PartialBatchError, runBatches } from './batches';

const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `M${i}`);

/** A query server: answers at most `cap` ids whatever the limit asked, with the total. */
function server(all: readonly string[], cap: number) {
  const calls: { position: number; limit: number }[] = [];
  const fetchPage = async (position: number, limit: number) => {
    calls.push({ position, limit });
    return { ids: all.slice(position, position + Math.min(limit, cap)), total: all.length };
  };
  return { calls, fetchPage };
}

describe('collectIds', () => {
  it('reads every id once, in order, by pages no larger than asked or than the server gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer({ min: 1, max: 1200 }),
        async (n, pageSize, cap) => {
          const all = idsOf(n);
          const { calls, fetchPage } = server(all, cap);
          const found = await collectIds(fetchPage, pageSize);
          expect(found).toEqual(all);
          for (const call of calls) expect(call.limit).toBe(pageSize);
          const perPage = Math.min(pageSize, cap);
          expect(calls.length).toBe(Math.max(1, Math.ceil(n / perPage)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stops on an empty page when the server gives no total, and reports progress', async () => {
    const all = idsOf(2500);
    const progress: [number, number | null][] = [];
    const found = await collectIds(
      async (position, limit) => ({ ids: all.slice(position, position + limit) }),
      1000,
      (done, total) => progress.push([done, total]),
    );
    expect(found).toEqual(all);
    expect(progress).toEqual([
      [1000, null],
      [2000, null],
      [2500, null],
      [2500, null],
    ]);
  });

  it('keeps an id once when new mail pushed it onto the next page', async () => {
    let all = idsOf(5);
    const found = await collectIds(async (position, limit) => {
      const page = { ids: all.slice(position, position + limit), total: all.length };
      all = ['NEW', ...all];
      return page;
    }, 3);
    expect(found).toEqual(['M0', 'M1', 'M2', 'M3', 'M4']);
  });
});

describe('chunk and runBatches', () => {
  it('cut items into consecutive batches of at most the size, covering them all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string(), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 600 }),
        async (items, size) => {
          const batches = chunk(items, size);
          expect(batches.flat()).toEqual(items);
          for (const batch of batches) expect(batch.length).toBeGreaterThan(0);
          for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(size);
          const seen: string[][] = [];
          const progress: number[] = [];
          await runBatches(
            items,
            size,
            async (batch) => {
              seen.push(batch);
            },
            (done, total) => {
              expect(total).toBe(items.length);
              progress.push(done);
            },
          );
          expect(seen).toEqual(batches);
          expect(progress).toEqual(batches.map((_, i) => Math.min(items.length, (i + 1) * size)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stops at the first failed batch and says how many were done, counting the partial batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.nat(),
        fc.nat(),
        async (n, size, failAt, partial) => {
          const items = idsOf(n);
          const failing = failAt % Math.ceil(n / size);
          let index = 0;
          const applied: string[] = [];
          const run = runBatches(items, size, async (batch) => {
            if (index++ === failing) {
              const done = partial % (batch.length + 1);
              applied.push(...batch.slice(0, done));
              throw new PartialBatchError(done, 'serverFail');
            }
            applied.push(...batch);
          });
          const failure = await run.then(
            () => null,
            (error: unknown) => error,
          );
          expect(failure).toBeInstanceOf(BatchFailure);
          expect((failure as BatchFailure).done).toBe(applied.length);
          expect((failure as BatchFailure).total).toBe(n);
          expect(index).toBe(failing + 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts nothing of a batch that failed as a whole (the request never answered)', async () => {
    const failure = await runBatches(idsOf(1200), 500, async (batch) => {
      if (batch[0] === 'M1000') throw new Error('network');
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ done: 1000, total: 1200 });
  });

  it('refuses a size below one', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
