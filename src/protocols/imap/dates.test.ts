import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime, parseDay } from './dates.js';

describe('IMAP dates', () => {
  it('reads date-time with its zone and writes it back in UTC', () => {
    expect(parseDateTime('25-Nov-2026 10:30:00 +0100')).toBe(Date.UTC(2026, 10, 25, 9, 30));
    expect(parseDateTime(' 5-jan-2026 00:00:00 -0230')).toBe(Date.UTC(2026, 0, 5, 2, 30));
    expect(formatDateTime(Date.UTC(2026, 0, 5, 2, 30))).toBe('05-Jan-2026 02:30:00 +0000');
    for (const bad of ['25-Nov-2026', '25-Foo-2026 10:30:00 +0100', '25-Nov-2026 25:00:00 +0000', '']) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
  });

  it('reads search dates as UTC days', () => {
    expect(parseDay('1-Feb-2026')).toBe(Date.UTC(2026, 1, 1) / 86_400_000);
    expect(parseDay('01-FEB-2026')).toBe(parseDay('1-feb-2026'));
    expect(parseDay('2026-02-01')).toBeNull();
  });

  it('round-trips any second between 1970 and 9999 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (seconds) => {
        expect(parseDateTime(formatDateTime(seconds * 1000))).toBe(seconds * 1000);
      }),
      { seed: 20_261_125 },
    );
  });
});
