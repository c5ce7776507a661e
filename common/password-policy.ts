/**
 * Password policy shared by the server (enforcement) and the web client (live explanation).
 * PRODUCT.md §1: at least 12 characters with upper case, lower case, digit and symbol; never the
 * user's names or birth date; strength estimated by zxcvbn-ts (common + French dictionaries).
 *
 * Implementation notes
 * - Isomorphic: no DOM, no Node API. Imported by `src/` (NodeNext, hence the `.js` suffixes) and `web/src/`.
 * - Nothing heavy runs at import time: the zxcvbn factory (which ranks ~150 000 dictionary words) is
 *   built on the first `evaluatePassword` call and reused (`getEstimator`).
 * - `evaluatePassword` never throws, whatever the string (lone surrogates, control characters, megabytes).
 *   Work is bounded: character-class and name checks are linear scans; zxcvbn, whose matching is
 *   super-linear in the length, only sees the first `MAX_ESTIMATED_CODE_POINTS` code points.
 * - The birth date is never sent to the client, and the server keeps it only as a keyed hash. Both sides
 *   therefore reason on `candidateBirthDates(password)`: the client with a clear date when it has one
 *   (tests, CLI), the server by hashing every candidate and comparing with the stored hash.
 * - Names are compared case- and accent-insensitively (`normalizeForComparison`): Éloïse ≈ ELOISE.
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnFr from '@zxcvbn-ts/language-fr';
import type { PasswordViolation } from './api.js';

export type { PasswordViolation } from './api.js';

/** PRODUCT.md §1: "at least 12 characters". Counted in Unicode code points, not UTF-16 units. */
export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn score (0–4) a password must reach; 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;
/**
 * zxcvbn's matchers enumerate every substring against every dictionary and its scorer is quadratic,
 * so its cost grows faster than the length: a hostile long "password" could pin a server CPU for each
 * request or freeze the tab while typing. Measured on the project machine (Node 20, both dictionaries,
 * `l33tMaxSubstitutions` 8): worst inputs found (runs of one digit, repeated date-like groups) take
 * ~100 ms at 128 code points, ~400 ms at 256, ~1 s at 256 with zxcvbn's default l33t setting.
 * 128 code points is far beyond any memorable passphrase (five French words with separators are ~45),
 * and a longer password is judged on its first 128, which zxcvbn already rates 4 unless they are
 * trivially repetitive. The other rules (length, classes, names, birth date) see the whole string.
 */
export const MAX_ESTIMATED_CODE_POINTS = 128;
/**
 * zxcvbn explores up to this many l33t substitutions per token (default 100). Real passwords use a few;
 * the default made a 64-character string of l33t-able symbols cost ~250 ms. Same scores on every
 * realistic sample we tried (`P@ssw0rd2024!`, `Tr0ub4dor&3`).
 */
const L33T_MAX_SUBSTITUTIONS = 8;
/** Name parts shorter than this are not searched for ("Li", "Bo" would forbid half the dictionary). */
export const MIN_NAME_PART_LETTERS = 3;
/** Candidate birth dates are limited to years a living person's birth can have. */
export const MIN_BIRTH_YEAR = 1900;
export const MAX_BIRTH_YEAR = 2099;

export interface PasswordContext {
  firstName: string;
  lastName: string;
  identifier: string;
  address?: string;
  /** YYYY-MM-DD, when known. */
  birthDate?: string;
}

/**
 * Advice shown under the strength meter, as stable ids the UI translates. Derived from zxcvbn's
 * feedback (warnings and suggestions) and from our own rules. Order here is display order.
 */
export type PasswordSuggestion =
  | 'make_longer'
  | 'add_more_words'
  | 'avoid_common_passwords'
  | 'avoid_single_word'
  | 'avoid_names'
  | 'avoid_dates'
  | 'avoid_years'
  | 'avoid_sequences'
  | 'avoid_repeats'
  | 'avoid_keyboard_patterns'
  | 'avoid_predictable_substitutions'
  | 'avoid_reversed_words'
  | 'vary_capitalization';

export const PASSWORD_SUGGESTIONS: readonly PasswordSuggestion[] = [
  'make_longer',
  'add_more_words',
  'avoid_common_passwords',
  'avoid_single_word',
  'avoid_names',
  'avoid_dates',
  'avoid_years',
  'avoid_sequences',
  'avoid_repeats',
  'avoid_keyboard_patterns',
  'avoid_predictable_substitutions',
  'avoid_reversed_words',
  'vary_capitalization',
];

/** Every violation, in the order of the `PasswordViolation` union (the order `violations` keeps). */
export const PASSWORD_VIOLATIONS: readonly PasswordViolation[] = [
  'too_short',
  'no_lowercase',
  'no_uppercase',
  'no_digit',
  'no_symbol',
  'contains_name',
  'contains_birth_date',
  'too_weak',
  'same_as_current',
];

export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export interface PasswordEvaluation {
  violations: PasswordViolation[];
  score: PasswordScore;
  guessesLog10: number;
  suggestions: PasswordSuggestion[];
}

/** zxcvbn feedback keys (untranslated: we pass no translations, so it returns its own keys). */
const ZXCVBN_FEEDBACK: Record<string, PasswordSuggestion | undefined> = {
  // warnings
  straightRow: 'avoid_keyboard_patterns',
  keyPattern: 'avoid_keyboard_patterns',
  simpleRepeat: 'avoid_repeats',
  extendedRepeat: 'avoid_repeats',
  sequences: 'avoid_sequences',
  recentYears: 'avoid_years',
  dates: 'avoid_dates',
  topTen: 'avoid_common_passwords',
  topHundred: 'avoid_common_passwords',
  common: 'avoid_common_passwords',
  similarToCommon: 'avoid_common_passwords',
  wordByItself: 'avoid_single_word',
  namesByThemselves: 'avoid_names',
  commonNames: 'avoid_names',
  userInputs: 'avoid_names',
  pwned: 'avoid_common_passwords',
  // suggestions
  l33t: 'avoid_predictable_substitutions',
  reverseWords: 'avoid_reversed_words',
  allUppercase: 'vary_capitalization',
  capitalization: 'vary_capitalization',
  associatedYears: 'avoid_years',
  repeated: 'avoid_repeats',
  longerKeyboardPattern: 'avoid_keyboard_patterns',
  anotherWord: 'add_more_words',
  useWords: 'add_more_words',
  // `noNeed` ("no need for symbols, digits or upper-case letters") contradicts this policy: dropped.
  // `pwned` as suggestion maps like the warning.
};

let estimator: ZxcvbnFactory | undefined;

/** Built on first use only: ranking the dictionaries costs tens of milliseconds and memory. */
function getEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    // In UTF-16 units: our cap is in code points, so leave room for astral characters.
    maxLength: MAX_ESTIMATED_CODE_POINTS * 2,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return estimator;
}

/**
 * Lower-case, accents removed, ligatures expanded: the form in which names and passwords are compared.
 * `Éloïse Bérenger-Lévy` → `eloise berenger-levy`.
 */
export function normalizeForComparison(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/**
 * The strings a password must not contain for this person: each of first name, last name, identifier
 * and the address local part, whole (with and without separators) and split into parts of at least
 * three letters, normalised. Digits are separators too (`sdupont2` → `sdupont`).
 */
export function forbiddenNameParts(ctx: PasswordContext): string[] {
  const localPart = ctx.address === undefined ? '' : (ctx.address.split('@')[0] ?? '');
  const sources = [ctx.firstName, ctx.lastName, ctx.identifier, localPart];
  const parts = new Set<string>();
  for (const source of sources) {
    const normalized = normalizeForComparison(source);
    const words = normalized.split(/[^\p{L}]+/u).filter((w) => w.length > 0);
    const joined = words.join('');
    for (const candidate of [joined, ...words]) {
      if (countLetters(candidate) >= MIN_NAME_PART_LETTERS) parts.add(candidate);
    }
  }
  return [...parts].sort((a, b) => b.length - a.length);
}

function countLetters(value: string): number {
  let n = 0;
  for (const ch of value) if (/\p{L}/u.test(ch)) n++;
  return n;
}

function countCodePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point; a lone one counts alone.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function firstCodePoints(value: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of value) {
    if (n++ >= max) break;
    out += ch;
  }
  return out;
}

const DATE_SEPARATORS = new Set(['-', '/', '.', ' ', '_']);

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (year < MIN_BIRTH_YEAR || year > MAX_BIRTH_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Every YYYY-MM-DD (years 1900–2099, valid calendar dates only) that some substring of the password
 * writes in a common form:
 * - compact: DDMMYYYY, DDMMYY, YYYYMMDD (anywhere inside a run of digits);
 * - separated by one of `- / . _` or a space, the same on both sides: D/M/YYYY and D/M/YY with one- or
 *   two-digit day and month (`15/03/1980`, `5.3.80`), YYYY-M-D (`1980-03-15`).
 * Two-digit years stand for both 19xx and 20xx. Full-width digits count (NFKC). Linear in the length;
 * the result is deduplicated, in order of first appearance.
 */
export function candidateBirthDates(password: string): string[] {
  const s = password.normalize('NFKC');
  const out = new Set<string>();
  const digitAt = (i: number): number => {
    const c = s.charCodeAt(i);
    return isAsciiDigit(c) ? c - 48 : -1;
  };
  /** Value of `len` digits from `i`, or -1 if they are not all digits. */
  const num = (i: number, len: number): number => {
    if (i < 0 || i + len > s.length) return -1;
    let v = 0;
    for (let k = 0; k < len; k++) {
      const d = digitAt(i + k);
      if (d < 0) return -1;
      v = v * 10 + d;
    }
    return v;
  };
  const add = (year: number, month: number, day: number): void => {
    if (isValidDate(year, month, day)) out.add(isoDate(year, month, day));
  };
  const addTwoDigitYear = (yy: number, month: number, day: number): void => {
    add(1900 + yy, month, day);
    add(2000 + yy, month, day);
  };

  for (let i = 0; i < s.length; i++) {
    if (digitAt(i) < 0) continue;
    // Compact forms.
    const d2 = num(i, 2);
    const m2 = num(i + 2, 2);
    if (d2 >= 0 && m2 >= 0) {
      const y4 = num(i + 4, 4);
      if (y4 >= 0) add(y4, m2, d2); // DDMMYYYY
      const y2 = num(i + 4, 2);
      if (y2 >= 0) addTwoDigitYear(y2, m2, d2); // DDMMYY
    }
    const yyyy = num(i, 4);
    if (yyyy >= 0) {
      const m = num(i + 4, 2);
      const d = num(i + 6, 2);
      if (m >= 0 && d >= 0) add(yyyy, m, d); // YYYYMMDD
    }
    // Separated day-month-year: D{1,2} sep M{1,2} sep (YYYY|YY).
    for (const dayLen of [1, 2]) {
      const day = num(i, dayLen);
      const sep = s[i + dayLen];
      if (day < 0 || sep === undefined || !DATE_SEPARATORS.has(sep)) continue;
      for (const monthLen of [1, 2]) {
        const mStart = i + dayLen + 1;
        const month = num(mStart, monthLen);
        if (month < 0 || s[mStart + monthLen] !== sep) continue;
        const yStart = mStart + monthLen + 1;
        const year4 = num(yStart, 4);
        if (year4 >= 0) add(year4, month, day);
        const year2 = num(yStart, 2);
        if (year2 >= 0) addTwoDigitYear(year2, month, day);
      }
    }
    // Separated year-month-day: YYYY sep M{1,2} sep D{1,2}.
    if (yyyy >= 0) {
      const sep = s[i + 4];
      if (sep !== undefined && DATE_SEPARATORS.has(sep)) {
        for (const monthLen of [1, 2]) {
          const month = num(i + 5, monthLen);
          if (month < 0 || s[i + 5 + monthLen] !== sep) continue;
          for (const dayLen of [1, 2]) {
            const day = num(i + 6 + monthLen, dayLen);
            if (day >= 0) add(yyyy, month, day);
          }
        }
      }
    }
  }
  return [...out];
}

/** The birth date as zxcvbn user inputs, so that a date close to it also weakens the estimate. */
function birthDateInputs(birthDate: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return [];
  const [, y = '', mo = '', d = ''] = m;
  return [`${d}${mo}${y}`, `${d}${mo}${y.slice(2)}`, `${y}${mo}${d}`, y];
}

function toScore(value: number): PasswordScore {
  if (value <= 0) return 0;
  if (value >= 4) return 4;
  return Math.round(value) as PasswordScore;
}

function estimate(password: string, userInputs: string[]): ZxcvbnResult | undefined {
  try {
    return getEstimator().check(firstCodePoints(password, MAX_ESTIMATED_CODE_POINTS), userInputs);
  } catch {
    // zxcvbn is a third-party heuristic; if it ever throws on exotic input the password is treated as
    // unestimated (score 0, hence `too_weak`), which fails closed. Nothing to log in an isomorphic module.
    return undefined;
  }
}

/**
 * Checks a candidate password against the policy. Synchronous; never throws.
 * `violations` follow the order of the `PasswordViolation` union; `same_as_current` is never produced
 * here (it needs the current password, which only the change-password request has).
 */
export function evaluatePassword(password: string, ctx: PasswordContext): PasswordEvaluation {
  const violations = new Set<PasswordViolation>();
  const suggestions = new Set<PasswordSuggestion>();
  const text = typeof password === 'string' ? password : '';
  // NFC so that `e` + U+0301 counts as one lower-case letter, not a letter and a symbol.
  const composed = text.normalize('NFC');

  const length = countCodePoints(composed);
  if (length < MIN_PASSWORD_LENGTH) violations.add('too_short');
  if (!/[\p{Ll}]/u.test(composed)) violations.add('no_lowercase');
  if (!/[\p{Lu}\p{Lt}]/u.test(composed)) violations.add('no_uppercase');
  if (!/\p{Nd}/u.test(composed)) violations.add('no_digit');
  if (!/[^\p{L}\p{M}\p{Nd}]/u.test(composed)) violations.add('no_symbol');

  const names = forbiddenNameParts(ctx);
  const normalizedPassword = normalizeForComparison(composed);
  if (names.some((part) => normalizedPassword.includes(part))) {
    violations.add('contains_name');
    suggestions.add('avoid_names');
  }

  if (ctx.birthDate !== undefined && ctx.birthDate !== '') {
    if (candidateBirthDates(composed).includes(ctx.birthDate)) {
      violations.add('contains_birth_date');
      suggestions.add('avoid_dates');
    }
  }

  const userInputs = [...names, ...(ctx.birthDate ? birthDateInputs(ctx.birthDate) : [])];
  const result = estimate(composed, userInputs);
  const score = result ? toScore(result.score) : 0;
  const guessesLog10 = result && Number.isFinite(result.guessesLog10) ? result.guessesLog10 : 0;
  if (score < MIN_PASSWORD_SCORE) violations.add('too_weak');

  if (result) {
    const keys = [result.feedback.warning, ...result.feedback.suggestions];
    for (const key of keys) {
      const mapped = key ? ZXCVBN_FEEDBACK[key] : undefined;
      if (mapped) suggestions.add(mapped);
    }
  }
  if (length < MIN_PASSWORD_LENGTH || (score < MIN_PASSWORD_SCORE && length < 16)) {
    suggestions.add('make_longer');
  }

  return {
    violations: PASSWORD_VIOLATIONS.filter((v) => violations.has(v)),
    score,
    guessesLog10,
    suggestions: PASSWORD_SUGGESTIONS.filter((s) => suggestions.has(s)),
  };
}
