/**
 * Solves one proof-of-work challenge off the main thread (pow.ts). Loaded as a same-origin module
 * worker (`worker-src 'self'`); answers `{ solution }` or `{ error }` once.
 */
import type { CaptchaChallenge } from '../../../common/api.js';
import { solvePow } from './pow';

self.onmessage = async (event: MessageEvent<{ challenge: CaptchaChallenge }>) => {
  try {
    const solution = await solvePow(event.data.challenge, crypto.subtle);
    self.postMessage({ solution });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
