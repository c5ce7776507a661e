import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDraggedEmails } from './email-drag';

describe('parseDraggedEmails', () => {
  it('reads the ids written by the list, without repeats', () => {
    expect(parseDraggedEmails(JSON.stringify(['Ma1', 'Mb2', 'Ma1']))).toEqual(['Ma1', 'Mb2']);
  });

  it('gives nothing for data that is not a list of id strings', () => {
    for (const raw of [
      '',
      'Ma1',
      '{"ids":["Ma1"]}',
      '["Ma1", 3]',
      '[""]',
      '[null]',
      JSON.stringify(['x'.repeat(256)]),
    ]) {
      expect(parseDraggedEmails(raw)).toEqual([]);
    }
  });

  it('never throws, and only ever returns strings that were in the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const ids = parseDraggedEmails(raw);
        for (const id of ids) expect(raw).toContain(JSON.stringify(id).slice(1, -1));
      }),
    );
  });
});
