import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  criteriaToFilter,
  EMPTY_CRITERIA,
  isEmptyCriteria,
  parseCriteria,
  startOfDay,
} from './search-criteria';

describe('criteriaToFilter', () => {
  it('turns the form into a FilterCondition, leaving out what is empty', () => {
    expect(criteriaToFilter(EMPTY_CRITERIA)).toEqual({});
    const filter = criteriaToFilter({
      ...EMPTY_CRITERIA,
      text: '  école ',
      from: 'parent',
      mailboxId: 'm1',
      unread: true,
      flagged: true,
      attachment: true,
      minSizeKb: '250',
      after: '2026-09-01',
      before: '2026-09-30',
    });
    expect(filter).toMatchObject({
      text: 'école',
      from: 'parent',
      inMailbox: 'm1',
      notKeyword: '$seen',
      hasKeyword: '$flagged',
      hasAttachment: true,
      minSize: 250_000,
    });
    // "before 30 September" includes that day: up to the start of 1 October, local time.
    expect(filter.before).toBe(startOfDay('2026-10-01'));
    expect(filter.after).toBe(new Date(2026, 8, 1).toISOString().replace('.000', ''));
  });

  it('ignores a malformed date or size', () => {
    expect(criteriaToFilter({ ...EMPTY_CRITERIA, after: '01/09/2026', minSizeKb: 'beaucoup' })).toEqual({});
  });
});

describe('parseCriteria', () => {
  it('reads back what was stored, and refuses the wrong types', () => {
    const criteria = { ...EMPTY_CRITERIA, text: 'réunion', unread: true };
    expect(parseCriteria(JSON.parse(JSON.stringify(criteria)))).toEqual(criteria);
    expect(parseCriteria({ text: 3 })).toBeNull();
    expect(parseCriteria('x')).toBeNull();
    expect(isEmptyCriteria(EMPTY_CRITERIA)).toBe(true);
    expect(isEmptyCriteria(criteria)).toBe(false);
  });

  it('never throws on arbitrary stored values', () => {
    fc.assert(fc.property(fc.anything(), (value) => void parseCriteria(value)));
  });
});
