/**
 * Random tokens, digests, keyed hashes and constant-time comparison.
 *
 * Implementation notes
 * - Keyed hashes (HMAC-SHA-256 with the deployment's secret key) are how NUMEN and birth dates are
 *   stored: matchable for recovery, useless to whoever steals the database without the key.
 *   Inputs are normalised first so that `1234 abcd` and `1234ABCD` match.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

export type KeyedHashPurpose = 'numen' | 'birth-date';

export function keyedHash(key: Buffer, purpose: KeyedHashPurpose, value: string): string {
  // The purpose is mixed in so that a NUMEN hash can never match a birth-date hash.
  return createHmac('sha256', key)
    .update(`${purpose}\0${normaliseForHash(purpose, value)}`)
    .digest('hex');
}

function normaliseForHash(purpose: KeyedHashPurpose, value: string): string {
  return purpose === 'numen' ? value.replace(/\s+/g, '').toUpperCase() : value.trim();
}
