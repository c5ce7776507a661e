import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors/index.js';
import {
  parseBirthDate,
  parseNewPasswordBody,
  parseNumen,
  parseRecoveryRequest,
  parseTokenBody,
} from './input.js';

/** The code of the InputError `fn` throws; fails the test on anything else. */
function inputErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.code;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('recovery input', () => {
  it('normalises a NUMEN typed with spaces and in lower case', () => {
    expect(parseNumen(' 12ab 345 678 9cd ')).toBe('12AB3456789CD');
    expect(parseNumen('0000000000000')).toBe('0000000000000');
  });

  it('refuses a NUMEN of the wrong length or with other characters', () => {
    for (const bad of [
      '',
      '12AB3456789C',
      '12AB3456789CDE',
      '12AB-3456789C',
      '12AB3456789CÉ',
      '12AB3456789C_',
    ]) {
      expect(inputErrorCode(() => parseNumen(bad))).toBe('recovery.numen_invalid');
    }
  });

  it('reads ISO and French birth dates, as real days from 1900 to 2100', () => {
    expect(parseBirthDate('1980-05-17')).toBe('1980-05-17');
    expect(parseBirthDate('17/05/1980')).toBe('1980-05-17');
    expect(parseBirthDate('7/5/1980')).toBe('1980-05-07');
    expect(parseBirthDate('29.02.2000')).toBe('2000-02-29');
    expect(parseBirthDate(' 01-01-1900 ')).toBe('1900-01-01');
    for (const bad of [
      '1980-02-30',
      '31/04/1980',
      '29/02/1900',
      '1899-12-31',
      '2101-01-01',
      '1980/05/17',
      '17051980',
      '',
    ]) {
      expect(inputErrorCode(() => parseBirthDate(bad))).toBe('recovery.birth_date_invalid');
    }
  });

  it('parses a whole request and names the first bad field', () => {
    expect(parseRecoveryRequest({ numen: '12ab3456789cd', birthDate: '17/05/1980', altcha: 'x' })).toEqual({
      numen: '12AB3456789CD',
      birthDate: '1980-05-17',
      altcha: 'x',
    });
    expect(
      inputErrorCode(() => parseRecoveryRequest({ numen: 'x', birthDate: '1980-05-17', altcha: 'x' })),
    ).toBe('recovery.numen_invalid');
    expect(
      inputErrorCode(() => parseRecoveryRequest({ numen: '12ab3456789cd', birthDate: 'x', altcha: 'x' })),
    ).toBe('recovery.birth_date_invalid');
    expect(
      inputErrorCode(() => parseRecoveryRequest({ numen: '12ab3456789cd', birthDate: '1980-05-17' })),
    ).toBe('request.invalid');
  });

  it('accepts only tokens shaped like ours', () => {
    const token = 'A'.repeat(43);
    expect(parseTokenBody({ token })).toBe(token);
    expect(parseNewPasswordBody({ token, newPassword: 'p' })).toEqual({ token, newPassword: 'p' });
    expect(inputErrorCode(() => parseTokenBody({ token: `${token}=` }))).toBe('recovery.token_invalid');
    expect(inputErrorCode(() => parseTokenBody({}))).toBe('request.invalid');
  });

  it('never throws anything but an InputError, whatever the body', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.stringMatching(/^[0-9A-Za-z ]{10,16}$/),
    );
    const body = fc.oneof(
      fc.anything(),
      fc.record({
        numen: fc.oneof(text, fc.anything()),
        birthDate: fc.oneof(text, fc.anything()),
        altcha: text,
      }),
      fc.record({ token: fc.oneof(text, fc.anything()), newPassword: fc.oneof(text, fc.anything()) }),
    );
    fc.assert(
      fc.property(body, (value) => {
        for (const parse of [parseRecoveryRequest, parseTokenBody, parseNewPasswordBody]) {
          try {
            parse(value);
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
