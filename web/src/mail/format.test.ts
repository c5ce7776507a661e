import { describe, expect, it } from 'vitest';
import { byteSize, displayName, listDate } from './format';

describe('format', () => {
  const now = new Date('2026-12-06T15:00:00');
  it('shows the time today, the day this year, the date before', () => {
    expect(listDate(new Date('2026-12-06T09:05:00').toISOString(), 'fr-FR', now)).toBe('09:05');
    expect(listDate(new Date('2026-03-02T09:05:00').toISOString(), 'fr-FR', now)).toBe('2 mars');
    expect(listDate(new Date('2024-03-02T09:05:00').toISOString(), 'fr-FR', now)).toBe('02/03/2024');
  });
  it('gives sizes in the unit of the language', () => {
    expect(byteSize(512, 'fr-FR')).toBe('512 o');
    expect(byteSize(1_500_000, 'fr-FR')).toBe('1,5 Mo');
    expect(byteSize(1_500_000, 'en-GB')).toBe('1.5 MB');
    expect(byteSize(25_000, 'en-GB')).toBe('25 kB');
  });
  it('falls back to the address when there is no name', () => {
    expect(displayName({ name: null, email: 'a@b.fr' })).toBe('a@b.fr');
    expect(displayName({ name: '  ', email: 'a@b.fr' })).toBe('a@b.fr');
    expect(displayName({ name: 'Anne', email: 'a@b.fr' })).toBe('Anne');
  });
});
