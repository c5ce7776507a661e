import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fr } from '../../i18n/fr';
import { formatMessage } from '../../i18n/translate';
import {
  checkRows,
  isChecked,
  isEmpty,
  keepPresent,
  NO_SELECTION,
  type Selection,
  selectAllLine,
  selectAllMatching,
  selectAllText,
} from './selection';

const loaded = Array.from({ length: 100 }, (_, i) => `M${i}`);
const some = (ids: string[]): Selection => ({ ids: new Set(ids), allMatching: null });
const french = (n: number) => new Intl.NumberFormat('fr-FR').format(n);
const say = ([id, params]: [keyof typeof fr, Record<string, string | number>]) =>
  formatMessage(fr[id], params);

describe('checkRows', () => {
  it('checks and unchecks rows one by one', () => {
    const one = checkRows(NO_SELECTION, ['M1', 'M2'], true, loaded);
    expect([...one.ids]).toEqual(['M1', 'M2']);
    expect([...checkRows(one, ['M1'], false, loaded).ids]).toEqual(['M2']);
  });

  it('leaves "all matching" when a row is unchecked, the other loaded rows staying checked', () => {
    const all = selectAllMatching(50_000);
    expect(checkRows(all, ['M3'], true, loaded)).toBe(all);
    const next = checkRows(all, ['M3'], false, loaded);
    expect(next.allMatching).toBeNull();
    expect(next.ids.size).toBe(99);
    expect(next.ids.has('M3')).toBe(false);
    // Unchecking every loaded row ("select all" unchecked) leaves nothing.
    expect(isEmpty(checkRows(all, loaded, false, loaded))).toBe(true);
  });

  it('is the set operation on ids outside "all matching"', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...loaded)),
        fc.array(fc.constantFrom(...loaded)),
        fc.boolean(),
        (before, ids, on) => {
          const next = checkRows(some(before), ids, on, loaded);
          for (const id of loaded) {
            const expected = ids.includes(id) ? on : before.includes(id);
            expect(isChecked(next, id)).toBe(expected);
          }
        },
      ),
    );
  });
});

describe('keepPresent', () => {
  it('drops rows gone from the list but never "all matching"', () => {
    expect([...keepPresent(some(['M1', 'X']), loaded).ids]).toEqual(['M1']);
    const kept = some(['M1']);
    expect(keepPresent(kept, loaded)).toBe(kept);
    const all = selectAllMatching(120);
    expect(keepPresent(all, [])).toBe(all);
    expect(isChecked(all, 'anything')).toBe(true);
  });
});

describe('selectAllLine', () => {
  it('offers all N once every loaded row is checked and the query holds more', () => {
    expect(selectAllLine(some(loaded), loaded, 50_000)).toEqual({ kind: 'offer', shown: 100, total: 50_000 });
    expect(selectAllLine(some(loaded.slice(1)), loaded, 50_000)).toBeNull();
    // Everything is loaded: nothing more to offer.
    expect(selectAllLine(some(loaded), loaded, 100)).toBeNull();
    expect(selectAllLine(NO_SELECTION, [], 0)).toBeNull();
    expect(selectAllLine(some(loaded), loaded, null)).toBeNull();
  });

  it('says "all N" with the total chosen, whatever the list holds meanwhile', () => {
    expect(selectAllLine(selectAllMatching(50_000), [], 12)).toEqual({ kind: 'all', total: 50_000 });
  });
});

describe('selectAllText', () => {
  const folder = { mailbox: 'Boîte de réception', conversations: false, format: french };

  it('says the folder, the search or conversations, with numbers in the locale', () => {
    const offer = selectAllText({ kind: 'offer', shown: 100, total: 50_000 }, folder);
    expect(say(offer.status)).toBe('Les 100 messages affichés sont sélectionnés.');
    expect(say(offer.action)).toBe(`Sélectionner les ${french(50_000)} messages de « Boîte de réception »`);
    expect(french(50_000)).toMatch(/^50\s000$/);
    const all = selectAllText({ kind: 'all', total: 50_000 }, folder);
    expect(say(all.status)).toBe(
      `Les ${french(50_000)} messages de « Boîte de réception » sont sélectionnés.`,
    );
    expect(say(all.action)).toBe('Annuler la sélection');

    const search = { mailbox: null, conversations: false, format: french };
    expect(say(selectAllText({ kind: 'offer', shown: 100, total: 1234 }, search).action)).toBe(
      `Sélectionner les ${french(1234)} résultats de la recherche`,
    );
    expect(say(selectAllText({ kind: 'all', total: 1234 }, search).status)).toBe(
      `Les ${french(1234)} résultats de la recherche sont sélectionnés.`,
    );

    const threads = { ...folder, conversations: true };
    const offerThreads = selectAllText({ kind: 'offer', shown: 100, total: 300 }, threads);
    expect(say(offerThreads.status)).toBe('Les 100 conversations affichées sont sélectionnées.');
    expect(say(offerThreads.action)).toBe('Sélectionner les 300 conversations de « Boîte de réception »');
    expect(say(selectAllText({ kind: 'all', total: 300 }, { ...search, conversations: true }).status)).toBe(
      'Les 300 conversations trouvées sont sélectionnées.',
    );
  });
});
