import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayAfter, dayStart, fromDay, toDay } from './vacation-dates';

describe('vacation dates', () => {
  it('turns the days of the form into [start of the first, start of the day after the last)', () => {
    const from = dayStart('2026-12-21');
    const to = dayAfter('2026-12-24');
    expect(new Date(to).getTime() - new Date(from).getTime()).toBeGreaterThanOrEqual(
      4 * 86_400_000 - 3_600_000,
    );
    expect(fromDay(from)).toBe('2026-12-21');
    expect(toDay(to)).toBe('2026-12-24');
    expect(fromDay(null)).toBe('');
    expect(toDay(null)).toBe('');
  });

  it('gives back the days it was given, across months, years and clock changes', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (date) => {
          const pad = (n: number) => String(n).padStart(2, '0');
          const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
          expect(fromDay(dayStart(day))).toBe(day);
          expect(toDay(dayAfter(day))).toBe(day);
        },
      ),
    );
  });
});
