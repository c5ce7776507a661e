/**
 * Validation of the fields an administrator types when creating an account.
 * Each function throws InputError with a code the CLI and the admin UI translate.
 */
import { InputError } from '../../lib/errors/index.js';

/** NUMEN: the Éducation nationale staff number, 13 alphanumeric characters. */
const NUMEN = /^[0-9A-Z]{13}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Deliberately simple: the recovery mail itself is the real check. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,}$/;
/** Names are printed on screens and letters: bounded, no control characters. */
const MAX_NAME_LENGTH = 100;

export function normaliseNumen(value: string): string {
  const numen = value.replace(/\s+/g, '').toUpperCase();
  if (!NUMEN.test(numen)) throw new InputError('account.numen_invalid', 'NUMEN must be 13 letters or digits');
  return numen;
}

export function validateBirthDate(value: string, today: Date): string {
  const match = ISO_DATE.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InputError('account.birth_date_invalid', 'birth date must be a valid date written YYYY-MM-DD');
  }
  if (date.getTime() > today.getTime() || date.getUTCFullYear() < 1900) {
    throw new InputError('account.birth_date_invalid', 'birth date must be between 1900 and today');
  }
  return value;
}

export function validateDate(value: string, field: string): string {
  const date = ISO_DATE.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InputError('account.date_invalid', `${field} must be a valid date written YYYY-MM-DD`, {
      field,
    });
  }
  return value;
}

export function validateEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email))
    throw new InputError('account.email_invalid', 'recovery address is not a valid email address');
  return email;
}

export function validatePersonName(value: string, field: 'first' | 'last'): string {
  const name = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new InputError(
      'account.name_invalid',
      `${field} name must be 1 to ${MAX_NAME_LENGTH} printable characters`,
      {
        field,
      },
    );
  }
  return name;
}
