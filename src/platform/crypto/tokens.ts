/**
 * Random tokens, digests, keyed hashes and constant-time comparison.
 *
 * Implementation notes
 * - Keyed hashes (HMAC-SHA-256 with the deployment's secret key) are how NUMEN and birth dates are
 *   stored: matchable for recovery, useless to whoever steals the database without the key.
 *   Inputs are normalised first so that `1234 abcd` and `1234ABCD` match.
 */
import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A 32-byte key for one purpose (HKDF-SHA-256 of the deployment secret), in hex: a secret handed
 * to a library (the recovery captcha's HMAC) is never the secret itself.
 */
export function deriveSubkey(secret: Buffer, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `facteur:subkey:${purpose}`, 32)).toString(
    'hex',
  );
}

export type KeyedHashPurpose = 'numen' | 'birth-date' | 'app-password' | 'recovery-code';

export function keyedHash(key: Buffer, purpose: KeyedHashPurpose, value: string): string {
  // The purpose is mixed in so that a NUMEN hash can never match a birth-date hash.
  return createHmac('sha256', key)
    .update(`${purpose}\0${normaliseForHash(purpose, value)}`)
    .digest('hex');
}

function normaliseForHash(purpose: KeyedHashPurpose, value: string): string {
  if (purpose === 'numen') return value.replace(/\s+/g, '').toUpperCase();
  if (purpose === 'app-password') return normaliseAppPassword(value) ?? value;
  if (purpose === 'recovery-code') return value.replace(/[\s-]/g, '').toLowerCase();
  return value.trim();
}

const APP_PASSWORD_LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** 16 letters of 26: 75 bits, beyond online guessing, typed on a phone without switching keyboards. */
export const APP_PASSWORD_LENGTH = 16;

/** A new app password, shown in groups of four: `abcd-efgh-ijkl-mnop`. */
export function generateAppPassword(): string {
  let letters = '';
  for (let i = 0; i < APP_PASSWORD_LENGTH; i++) letters += APP_PASSWORD_LETTERS[randomInt(26)];
  return (letters.match(/.{4}/g) as string[]).join('-');
}

/**
 * The letters of what may be an app password, without the separators and spaces people type or
 * paste with it, in lower case; undefined when it cannot be one (so it is never looked up).
 */
export function normaliseAppPassword(value: string): string | undefined {
  if (value.length > 64) return undefined;
  const letters = value.replace(/[\s-]/g, '').toLowerCase();
  return letters.length === APP_PASSWORD_LENGTH && /^[a-z]+$/.test(letters) ? letters : undefined;
}
