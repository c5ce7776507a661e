/**
 * Solving the recovery pages' proof-of-work captcha as a client must: fetch a challenge, find the
 * counter with altcha-lib's own solver, and encode the ALTCHA payload.
 */
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { HttpClient } from './facteur.js';

/** Settings that keep recovery tests fast and unthrottled (the limits are tested on their own). */
export const FAST_RECOVERY_ENV = {
  FACTEUR_RECOVERY_POW_MAX_COUNTER: '8',
  FACTEUR_RECOVERY_REQUESTS_PER_CLIENT: '100000',
  FACTEUR_RECOVERY_REQUESTS_PER_NUMEN: '100000',
  FACTEUR_RECOVERY_MIN_RESPONSE_MS: '250',
};

export async function solvedCaptcha(client: HttpClient): Promise<string> {
  const response = await client.request('GET', '/api/recovery/challenge');
  if (response.status !== 200) throw new Error(`challenge: ${response.status} ${response.text}`);
  const challenge = response.json as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('challenge not solved');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
