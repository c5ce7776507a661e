import { describe, expect, it } from 'vitest';
import { parseDate, parseDateDay } from './date.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('parseDateDay', () => {
  it('gives the calendar day as written, whatever the zone', () => {
    expect(parseDateDay('Mon, 23 Nov 2026 22:30:00 -0400')).toBe(day('2026-11-23'));
    expect(parseDateDay('Tue, 24 Nov 2026 00:30:00 +1100')).toBe(day('2026-11-24'));
    // The same instant as the first, written in Paris time: another day.
    expect(parseDateDay('Tue, 24 Nov 2026 03:30:00 +0100')).toBe(day('2026-11-24'));
    expect(parseDate('Tue, 24 Nov 2026 03:30:00 +0100')).toBe(parseDate('Mon, 23 Nov 2026 22:30:00 -0400'));
  });

  it('answers null for an unreadable date', () => {
    expect(parseDateDay('pas une date')).toBeNull();
    expect(parseDateDay('')).toBeNull();
  });
});
