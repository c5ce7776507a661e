/**
 * The recovery pages' captcha: a self-hosted ALTCHA proof of work (altcha-lib v2). The browser
 * spends about a second of CPU per request, which a person does not notice and a bulk guesser of
 * NUMEN pays for every guess. Nothing to see, hear or click: it is accessible by construction.
 *
 * Implementation notes
 * - Deterministic challenges (PBKDF2-SHA-256, 1,000 iterations per try): the server picks a secret
 *   counter from a quarter of `maxCounter` to `maxCounter` and publishes the key prefix it yields,
 *   so the solver must try counters from 0 until it reaches it. The derived key is HMAC-signed in the
 *   challenge (`keySignature`), so checking a solution costs one HMAC, not a derivation.
 * - The HMAC secrets are subkeys of the deployment secret (platform/crypto deriveSubkey), never the
 *   secret itself. Challenges expire after CHALLENGE_TTL_MS.
 * - Single use: a verified challenge's signature is remembered until its expiry, so a solution is
 *   accepted once. In memory, per process, bounded (MAX_SPENT, oldest dropped first): with several
 *   nodes a solution could be replayed once per node, which only divides the attacker's cost by the
 *   node count; a shared store can replace the map behind the same interface.
 * - The payload is the ALTCHA widget's format (base64 of `{ challenge, solution }`), so the widget
 *   could replace our small solver (web/src/recovery/pow) without a server change.
 */
import { type Challenge, createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { deriveSubkey } from '../../platform/crypto/index.js';

export const CAPTCHA_ALGORITHM = 'PBKDF2/SHA-256';
/** PBKDF2 iterations per try: native code in the browser (Web Crypto) as in an attacker's tool. */
export const CAPTCHA_COST = 1_000;
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const MAX_SPENT = 100_000;

export type CaptchaChallenge = Challenge;

export interface Captcha {
  challenge(): Promise<CaptchaChallenge>;
  /** Whether the payload solves one of our unexpired challenges not solved before; then spends it. */
  verify(payload: string): Promise<boolean>;
}

const Payload = z.object({
  challenge: z.object({
    parameters: z.record(z.string(), z.unknown()),
    signature: z.string().max(256),
  }),
  solution: z.object({ counter: z.number(), derivedKey: z.string().max(256) }),
});

export function createCaptcha(options: { secretKey: Buffer; clock: Clock; maxCounter: number }): Captcha {
  const hmacSignatureSecret = deriveSubkey(options.secretKey, 'altcha-challenge');
  const hmacKeySignatureSecret = deriveSubkey(options.secretKey, 'altcha-key');
  /** Signature of a spent challenge → when it expires (ms). */
  const spent = new Map<string, number>();

  const forgetExpired = (now: number) => {
    for (const [signature, expiresAt] of spent) {
      // Insertion order is nearly expiry order (one TTL for all): stop at the first live entry.
      if (expiresAt > now) break;
      spent.delete(signature);
    }
    while (spent.size >= MAX_SPENT) {
      const oldest = spent.keys().next().value;
      if (oldest === undefined) break;
      spent.delete(oldest);
    }
  };

  return {
    async challenge() {
      const max = options.maxCounter;
      return createChallenge({
        algorithm: CAPTCHA_ALGORITHM,
        cost: CAPTCHA_COST,
        counter: randomInt(max, Math.max(0, Math.ceil(max / 4))),
        deriveKey,
        expiresAt: Math.floor((options.clock.now() + CHALLENGE_TTL_MS) / 1000),
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      });
    },

    async verify(text) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
      } catch {
        return false;
      }
      const parsed = Payload.safeParse(decoded);
      if (!parsed.success) return false;
      const { challenge, solution } = parsed.data;
      const parameters = challenge.parameters as unknown as Challenge['parameters'];
      if (parameters.algorithm !== CAPTCHA_ALGORITHM || typeof parameters.keySignature !== 'string')
        return false;
      const now = options.clock.now();
      if (typeof parameters.expiresAt !== 'number' || parameters.expiresAt * 1000 <= now) return false;
      if (spent.has(challenge.signature)) return false;
      let verified = false;
      try {
        ({ verified } = await verifySolution({
          challenge: { parameters, signature: challenge.signature },
          solution,
          deriveKey,
          hmacSignatureSecret,
          hmacKeySignatureSecret,
        }));
      } catch {
        return false;
      }
      // Checked again after the await: two requests with one solution must not both pass.
      if (!verified || spent.has(challenge.signature)) return false;
      forgetExpired(now);
      spent.set(challenge.signature, parameters.expiresAt * 1000);
      return true;
    },
  };
}
