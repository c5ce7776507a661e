import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './sealed.js';

describe('seal / unseal', () => {
  const secret = randomBytes(32);

  it('round-trips and never shows the plaintext', () => {
    const sealed = seal(secret, 'dkim', '-----BEGIN PRIVATE KEY-----\nabc\n');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('PRIVATE');
    expect(unseal(secret, 'dkim', sealed)).toBe('-----BEGIN PRIVATE KEY-----\nabc\n');
  });

  it('refuses another secret, another purpose or a tampered value', () => {
    const sealed = seal(secret, 'dkim', 'x');
    expect(() => unseal(randomBytes(32), 'dkim', sealed)).toThrow();
    expect(() => unseal(secret, 'other', sealed)).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('y').toString('base64url');
    expect(() => unseal(secret, 'dkim', parts.join('.'))).toThrow();
    expect(() => unseal(secret, 'dkim', 'garbage')).toThrow('unknown format');
  });
});
