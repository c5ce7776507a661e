/**
 * Sealing secrets stored in the database (DKIM private keys) with the deployment secret.
 *
 * Implementation notes
 * - AES-256-GCM with a random 96-bit nonce; the key is derived from the deployment secret with
 *   HKDF-SHA-256 and a purpose label, so it differs from the keyed-hash key of NUMEN/birth dates.
 * - Format: `v1.<nonce>.<ciphertext>.<tag>` in base64url; `v1` lets the scheme change later.
 * - Opening fails loudly (wrong key, tampering): a corrupted key must not sign silently.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

function derive(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `facteur:seal:${purpose}`, 32));
}

export function seal(secret: Buffer, purpose: string, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret, purpose), nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', nonce, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** @throws Error when the sealed value was made with another secret or purpose, or altered. */
export function unseal(secret: Buffer, purpose: string, sealed: string): string {
  const [version, nonce, body, tag] = sealed.split('.');
  if (version !== 'v1' || nonce === undefined || body === undefined || tag === undefined) {
    throw new Error('sealed value: unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', derive(secret, purpose), Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
