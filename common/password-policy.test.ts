import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateBirthDates,
  evaluatePassword,
  forbiddenNameParts,
  MAX_ESTIMATED_CODE_POINTS,
  MIN_PASSWORD_LENGTH,
  normalizeForComparison,
  PASSWORD_VIOLATIONS,
  type PasswordContext,
} from './password-policy.js';

const eloise: PasswordContext = {
  firstName: 'Éloïse',
  lastName: 'Bérenger-Lévy',
  identifier: 'eberengerlevy',
  address: 'eloise.berenger-levy@ac-exemple.fr',
  birthDate: '1984-07-23',
};

const sylvie: PasswordContext = {
  firstName: 'Sylvie',
  lastName: 'Dupont',
  identifier: 'sdupont2',
  address: 'sylvie.dupont2@ac-exemple.fr',
};

const GOOD = 'Cadran-Solaire-Ete-42!';

function violationsOf(password: string, ctx: PasswordContext = sylvie) {
  return evaluatePassword(password, ctx).violations;
}

function isValidIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

describe('evaluatePassword', () => {
  it('accepts a long passphrase with every character class and no personal data', () => {
    const result = evaluatePassword(GOOD, eloise);
    expect(result.violations).toEqual([]);
    expect(result.score).toBeGreaterThanOrEqual(3);
    expect(result.guessesLog10).toBeGreaterThan(10);
  });

  it('requires 12 code points: 11 is too short, 12 is enough', () => {
    expect(violationsOf('Kx7!qmWz9#p')).toContain('too_short');
    expect(violationsOf('Kx7!qmWz9#pL')).not.toContain('too_short');
  });

  it('counts code points, not UTF-16 units, so 11 emoji-bearing characters are still too short', () => {
    const elevenCodePoints = 'Aa1!😀😀😀😀😀😀😀';
    expect(elevenCodePoints.length).toBeGreaterThan(MIN_PASSWORD_LENGTH);
    expect(violationsOf(elevenCodePoints)).toContain('too_short');
  });

  it('requires each character class, reporting every missing one in union order', () => {
    expect(violationsOf('ABCDEFGHIJK1!')).toContain('no_lowercase');
    expect(violationsOf('abcdefghijk1!')).toContain('no_uppercase');
    expect(violationsOf('Abcdefghijkl!')).toContain('no_digit');
    expect(violationsOf('Abcdefghijkl1')).toContain('no_symbol');
    expect(violationsOf('')).toEqual([
      'too_short',
      'no_lowercase',
      'no_uppercase',
      'no_digit',
      'no_symbol',
      'too_weak',
    ]);
  });

  it('counts accented letters as letters, not symbols, whether composed or decomposed', () => {
    expect(violationsOf('Éléphantérieur42')).toContain('no_symbol');
    expect(violationsOf('E\u0301le\u0301phante\u0301rieur42')).toContain('no_symbol');
    expect(violationsOf('éléphantérieur4!')).toContain('no_uppercase');
    expect(violationsOf('ÉLÉPHANTÉRIEUR4!')).toContain('no_lowercase');
  });

  it('treats a space as a symbol', () => {
    expect(violationsOf('Cadran Solaire Ete 42')).not.toContain('no_symbol');
  });

  it('refuses the first name without its accents (Eloise for Éloïse), in any case', () => {
    expect(violationsOf('Marmotte-Eloise-42!', eloise)).toContain('contains_name');
    expect(violationsOf('marmotte-ELOÏSE-42!', eloise)).toContain('contains_name');
  });

  it('refuses each part of a hyphenated last name and the name without its hyphen', () => {
    expect(violationsOf('Horloge-Levy-Rouge-7!', eloise)).toContain('contains_name');
    expect(violationsOf('Horloge-Bérenger-7!', eloise)).toContain('contains_name');
    expect(violationsOf('Horloge#berengerlevy7', eloise)).toContain('contains_name');
  });

  it('refuses the identifier, with or without its homonym digit, and the address local part', () => {
    expect(violationsOf('Horloge#sdupont2-Rouge')).toContain('contains_name');
    expect(violationsOf('Horloge#SDupont-Rouge')).toContain('contains_name');
    const ctx = {
      ...sylvie,
      firstName: 'Zo',
      lastName: 'Xu',
      identifier: 'zxu',
      address: 'zoe.marchal@ac-exemple.fr',
    };
    expect(violationsOf('Horloge#Marchal-Rouge9', ctx)).toContain('contains_name');
  });

  it('ignores name parts shorter than three letters', () => {
    const ctx: PasswordContext = {
      firstName: 'Li',
      lastName: 'Bo',
      identifier: 'lbo',
      address: 'li.bo@ac-exemple.fr',
    };
    expect(forbiddenNameParts(ctx)).toEqual(['libo', 'lbo']);
    expect(violationsOf('Police-Bocage-Ete-42!', ctx)).not.toContain('contains_name');
  });

  it('refuses apostrophes and dots as name separators', () => {
    const ctx: PasswordContext = {
      firstName: 'Anne-Sophie',
      lastName: "D'Arcy",
      identifier: 'adarcy',
      address: 'anne-sophie.d-arcy@ac-exemple.fr',
    };
    expect(forbiddenNameParts(ctx)).toEqual(
      expect.arrayContaining(['annesophie', 'anne', 'sophie', 'arcy', 'darcy']),
    );
    expect(violationsOf('Cadran-Arcy-Solaire-42!', ctx)).toContain('contains_name');
  });

  it('refuses the birth date in every common form, and only when it is known', () => {
    for (const form of [
      '23071984',
      '230784',
      '19840723',
      '1984-07-23',
      '23/07/1984',
      '23.07.1984',
      '23-07-84',
      '23/7/1984',
    ]) {
      const password = `Horloge#${form}Rouge`;
      expect(violationsOf(password, eloise), form).toContain('contains_birth_date');
      expect(violationsOf(password, { ...eloise, birthDate: undefined }), form).not.toContain(
        'contains_birth_date',
      );
    }
    expect(violationsOf('Horloge#24071984Rouge', eloise)).not.toContain('contains_birth_date');
  });

  it('reports a weak but compliant-looking password as too_weak, with suggestions', () => {
    const result = evaluatePassword('Azertyuiop1!', sylvie);
    expect(result.violations).toEqual(['too_weak']);
    expect(result.score).toBeLessThan(3);
    expect(result.suggestions.length).toBeGreaterThan(0);
  });

  it('returns violations in the order of the PasswordViolation union', () => {
    const result = evaluatePassword('sylvie', sylvie);
    const positions = result.violations.map((v) => PASSWORD_VIOLATIONS.indexOf(v));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(result.violations).toContain('contains_name');
  });

  it('estimates only the first code points, so a huge input stays fast and is judged by its start', () => {
    const head = 'Horloge-Rouge-Cadran-42!';
    const started = Date.now();
    const result = evaluatePassword(head + 'x'.repeat(2_000_000), sylvie);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.violations).toEqual([]);
    // Exactly at the cap and one past it estimate the same thing.
    const atCap = 'Ab1!'.repeat(MAX_ESTIMATED_CODE_POINTS / 4);
    expect(evaluatePassword(`${atCap}Z`, sylvie).guessesLog10).toBe(
      evaluatePassword(atCap, sylvie).guessesLog10,
    );
  });

  it('never throws and returns a well-formed result for any string, including lone surrogates', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom('\ud800', '\udfff', 'a', 'É', '1', '/', '-', '😀', '\u0301'),
        maxLength: 80,
      }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
    );
    fc.assert(
      fc.property(anyString, fc.string({ unit: 'binary', maxLength: 20 }), (password, name) => {
        const result = evaluatePassword(password, {
          firstName: name,
          lastName: name,
          identifier: name,
          address: `${name}@x`,
          birthDate: '1984-07-23',
        });
        expect([0, 1, 2, 3, 4]).toContain(result.score);
        expect(Number.isFinite(result.guessesLog10)).toBe(true);
        expect(new Set(result.violations).size).toBe(result.violations.length);
      }),
      { seed: 20_251_125, numRuns: 200 },
    );
  });
});

describe('candidateBirthDates', () => {
  it('finds the dates written in compact and separated forms inside longer text', () => {
    expect(candidateBirthDates('x15031980y')).toContain('1980-03-15');
    expect(candidateBirthDates('Mot150380!')).toEqual(expect.arrayContaining(['1980-03-15']));
    expect(candidateBirthDates('19800315')).toContain('1980-03-15');
    expect(candidateBirthDates('le 1980-03-15 !')).toContain('1980-03-15');
    expect(candidateBirthDates('5.3.80')).toEqual(expect.arrayContaining(['1980-03-05', '2080-03-05']));
    expect(candidateBirthDates('né le 15 03 1980')).toContain('1980-03-15');
    expect(candidateBirthDates('１５０３１９８０')).toContain('1980-03-15');
  });

  it('maps two-digit years to both centuries', () => {
    expect(candidateBirthDates('010203')).toEqual(expect.arrayContaining(['1903-02-01', '2003-02-01']));
  });

  it('returns only valid calendar dates: no 31 April, 29 February only in leap years', () => {
    expect(candidateBirthDates('31041990')).not.toContain('1990-04-31');
    expect(candidateBirthDates('29021999')).not.toContain('1999-02-29');
    expect(candidateBirthDates('29022000')).toContain('2000-02-29');
    expect(candidateBirthDates('Cadran-Solaire!')).toEqual([]);
  });

  it('finds every date written in any supported form, wherever it sits (property)', () => {
    const date = fc.date({
      min: new Date(Date.UTC(1900, 0, 1)),
      max: new Date(Date.UTC(2099, 11, 31)),
      noInvalidDate: true,
    });
    const pad = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        date,
        fc.nat(9),
        fc.constantFrom('-', '/', '.', ' ', '_'),
        fc.string(),
        fc.string(),
        (d, form, sep, before, after) => {
          const y = d.getUTCFullYear();
          const m = d.getUTCMonth() + 1;
          const day = d.getUTCDate();
          const iso = `${y}-${pad(m)}-${pad(day)}`;
          const written = [
            `${pad(day)}${pad(m)}${y}`,
            `${pad(day)}${pad(m)}${String(y).slice(2)}`,
            `${y}${pad(m)}${pad(day)}`,
            `${y}${sep}${pad(m)}${sep}${pad(day)}`,
            `${pad(day)}${sep}${pad(m)}${sep}${y}`,
            `${day}${sep}${m}${sep}${y}`,
            `${pad(day)}${sep}${pad(m)}${sep}${String(y).slice(2)}`,
            `${y}${sep}${m}${sep}${day}`,
            `${day}${sep}${pad(m)}${sep}${y}`,
            `${pad(day)}${sep}${m}${sep}${String(y).slice(2)}`,
          ][form] as string;
          expect(candidateBirthDates(before + written + after)).toContain(iso);
        },
      ),
      { seed: 20_251_125, numRuns: 300 },
    );
  });

  it('returns only valid, deduplicated dates between 1900 and 2099 for any input (property)', () => {
    const digitsAndSeparators = fc.string({
      unit: fc.constantFrom('0', '1', '2', '3', '9', '/', '-', '.', ' ', 'a'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(digitsAndSeparators, fc.string({ unit: 'binary', maxLength: 60 })), (input) => {
        const dates = candidateBirthDates(input);
        expect(new Set(dates).size).toBe(dates.length);
        for (const d of dates) {
          expect(isValidIsoDate(d), d).toBe(true);
          const year = Number(d.slice(0, 4));
          expect(year >= 1900 && year <= 2099).toBe(true);
        }
      }),
      { seed: 20_251_125, numRuns: 500 },
    );
  });
});

describe('normalizeForComparison', () => {
  it('removes accents and case and expands ligatures', () => {
    expect(normalizeForComparison('Éloïse Bérenger-Lévy')).toBe('eloise berenger-levy');
    expect(normalizeForComparison('Lætitia Œuvrard')).toBe('laetitia oeuvrard');
  });
});
