/**
 * Identifier and address generation (PRODUCT.md §1).
 *
 * Implementation notes
 * - Identifier: first letter of the first name + last name, folded to [a-z0-9]
 *   (Sylvie Dupont → `sdupont`; Éloïse Bérenger-Lévy → `eberengerlevy`). Homonyms take the
 *   smallest free number from 1: `sdupont1`, `sdupont2`.
 * - Address local part: `prenom.nom`, accents removed, hyphens kept, spaces become hyphens
 *   (Anne-Sophie Le Gall → `anne-sophie.le-gall`). Homonyms take the smallest free number from 2:
 *   `sylvie.dupont2`. The numbering differs from identifiers on purpose: it is what académies do.
 * - These functions are pure: the caller lists the taken names (by prefix) and retries on a unique
 *   violation, since two concurrent creations can pick the same free number.
 */
import { foldCompact, foldHyphenated } from './fold.js';

/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
export const MAX_LOCAL_PART_LENGTH = 64;

export class NamingError extends Error {
  readonly code = 'naming.unrepresentable';
}

export function identifierBase(firstName: string, lastName: string): string {
  const first = foldCompact(firstName);
  const last = foldCompact(lastName);
  if (first.length === 0 || last.length === 0) {
    throw new NamingError('first and last names must contain at least one Latin letter or digit');
  }
  return truncate(first.slice(0, 1) + last, MAX_LOCAL_PART_LENGTH - 4);
}

export function addressLocalPartBase(firstName: string, lastName: string): string {
  const first = foldHyphenated(firstName);
  const last = foldHyphenated(lastName);
  if (first.length === 0 || last.length === 0) {
    throw new NamingError('first and last names must contain at least one Latin letter or digit');
  }
  // Room is kept for a homonym number of up to four digits.
  return truncate(`${first}.${last}`, MAX_LOCAL_PART_LENGTH - 4);
}

/** The first of `base`, `base1`, `base2`… not in `taken`. */
export function nextIdentifier(base: string, taken: Iterable<string>): string {
  return firstFree(base, taken, 1);
}

/** The first of `base`, `base2`, `base3`… not in `taken` (local parts, without the domain). */
export function nextAddressLocalPart(base: string, taken: Iterable<string>): string {
  return firstFree(base, taken, 2);
}

function firstFree(base: string, taken: Iterable<string>, firstNumber: number): string {
  const used = new Set<string>();
  for (const name of taken) used.add(name.toLowerCase());
  if (!used.has(base)) return base;
  for (let n = firstNumber; ; n++) {
    const candidate = `${base}${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max).replace(/[-.]+$/, '');
}
