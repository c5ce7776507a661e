import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { describe, expect, it } from 'vitest';
import type { CaptchaChallenge } from '../../../common/api.js';
import { encodePayload, solvePow } from './pow';

describe('recovery proof of work', () => {
  it('finds the counter of an altcha-lib challenge, which altcha-lib then verifies', async () => {
    const secrets = { hmacSignatureSecret: 'a'.repeat(64), hmacKeySignatureSecret: 'b'.repeat(64) };
    const challenge = await createChallenge({
      algorithm: 'PBKDF2/SHA-256',
      cost: 1000,
      counter: 37,
      deriveKey,
      ...secrets,
    });
    const solution = await solvePow(challenge as CaptchaChallenge, crypto.subtle);
    expect(solution.counter).toBe(37);
    expect((await verifySolution({ challenge, solution, deriveKey, ...secrets })).verified).toBe(true);
    const payload = JSON.parse(atob(encodePayload(challenge as CaptchaChallenge, solution)));
    expect(payload).toEqual({ challenge, solution });
  });

  it('refuses an algorithm it does not solve', async () => {
    const challenge = {
      parameters: { algorithm: 'SCRYPT', nonce: '00', salt: '00', cost: 1, keyLength: 32, keyPrefix: '00' },
    };
    await expect(solvePow(challenge, crypto.subtle)).rejects.toThrow(/unsupported/);
  });
});
