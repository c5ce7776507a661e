import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pagesCovering } from './list-window';

describe('pagesCovering', () => {
  it('names the pages a range touches, within the list', () => {
    expect(pagesCovering(0, 30, 50_000, 100)).toEqual([0]);
    expect(pagesCovering(95, 130, 50_000, 100)).toEqual([0, 1]);
    expect(pagesCovering(49_990, 50_020, 50_000, 100)).toEqual([499]);
    expect(pagesCovering(0, 10, 0, 100)).toEqual([]);
  });

  it('covers every index of the range that exists, and nothing outside the list', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(300),
        fc.nat(20_000),
        fc.integer({ min: 1, max: 500 }),
        (start, span, total, size) => {
          const pages = pagesCovering(start, start + span, total, size);
          for (let i = start; i <= Math.min(start + span, total - 1); i++) {
            expect(pages).toContain(Math.floor(i / size));
          }
          for (const page of pages) expect(page * size).toBeLessThan(total);
        },
      ),
    );
  });
});
