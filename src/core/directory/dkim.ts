/**
 * DKIM keys of our domains (RFC 6376) and the DNS records an operator publishes.
 *
 * Implementation notes
 * - RSA 2048 (the size every receiver verifies; RFC 8301 requires ≥ 1024, recommends 2048). Ed25519
 *   (RFC 8463) dual signing can be added later: not every receiver verifies it yet.
 * - Keys are created with the domain, or on first use for domains created before keys existed.
 *   Concurrent creations converge on the unique active key per domain.
 * - The selector names the month of creation (`f202611`), so a rotation gets a new one.
 */
import { generateKeyPair, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { seal, unseal } from '../../platform/crypto/index.js';
import {
  type DkimKey,
  type Domain,
  findActiveDkimKey,
  insertDkimKey,
  isUniqueViolation,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

const generate = promisify(generateKeyPair);
const SEAL_PURPOSE = 'dkim-private-key';
export const DKIM_KEY_BITS = 2048;

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256';
  privateKey: string;
}

export async function ensureDkimKey(ctx: CoreContext, domain: Domain): Promise<DkimKey> {
  const existing = await findActiveDkimKey(ctx.db, domain.id);
  if (existing) return existing;
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: DKIM_KEY_BITS,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const now = new Date(ctx.clock.now());
  const key: DkimKey = {
    id: randomUUID(),
    domain_id: domain.id,
    selector: `f${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`,
    algorithm: 'rsa-sha256',
    public_key: publicKey.toString('base64'),
    private_key_sealed: seal(ctx.secretKey, SEAL_PURPOSE, privateKey),
    active: 1,
    created_at: now.getTime(),
  };
  try {
    await insertDkimKey(ctx.db, key);
    return key;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findActiveDkimKey(ctx.db, domain.id);
    if (!winner) throw error;
    return winner;
  }
}

export async function signingKeyFor(ctx: CoreContext, domain: Domain): Promise<SigningKey> {
  const key = await ensureDkimKey(ctx, domain);
  return {
    domain: domain.name,
    selector: key.selector,
    algorithm: 'rsa-sha256',
    privateKey: unseal(ctx.secretKey, SEAL_PURPOSE, key.private_key_sealed),
  };
}

export interface DnsRecord {
  name: string;
  type: 'MX' | 'TXT';
  value: string;
  purpose: string;
}

/** The records to publish for a domain served by `mailHost`. */
export async function domainDnsRecords(
  ctx: CoreContext,
  domain: Domain,
  mailHost: string,
): Promise<DnsRecord[]> {
  const key = await ensureDkimKey(ctx, domain);
  return [
    {
      name: `${domain.name}.`,
      type: 'MX',
      value: `10 ${mailHost}.`,
      purpose: 'where mail for the domain is delivered',
    },
    {
      name: `${domain.name}.`,
      type: 'TXT',
      value: 'v=spf1 mx -all',
      purpose: 'SPF: only the MX hosts send for the domain',
    },
    {
      name: `${key.selector}._domainkey.${domain.name}.`,
      type: 'TXT',
      value: `v=DKIM1; k=rsa; p=${key.public_key}`,
      purpose: 'DKIM public key',
    },
    {
      name: `_dmarc.${domain.name}.`,
      type: 'TXT',
      value: `v=DMARC1; p=quarantine; adkim=s; aspf=s; rua=mailto:postmaster@${domain.name}`,
      purpose: 'DMARC policy (move to p=reject once reports are clean)',
    },
  ];
}

/** A TXT value as zone-file strings of at most 255 octets each (RFC 1035 §3.3.14). */
export function zoneTxt(value: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(`"${value.slice(i, i + 255)}"`);
  return chunks.join(' ');
}
