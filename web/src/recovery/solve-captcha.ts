/**
 * Gets a recovery challenge and solves it: in a worker when the browser has them, otherwise on the
 * main thread. Resolves to the `altcha` field of a RecoveryRequest.
 */
import type { CaptchaChallenge } from '../../../common/api.js';
import type { FacteurApi } from '../api/facteur-api';
import { encodePayload, type PowSolution, solvePow } from './pow';

function solveInWorker(challenge: CaptchaChallenge): Promise<PowSolution> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ solution?: PowSolution; error?: string }>) => {
      worker.terminate();
      if (event.data.solution) resolve(event.data.solution);
      else reject(new Error(event.data.error ?? 'proof of work failed'));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'proof-of-work worker failed'));
    };
    worker.postMessage({ challenge });
  });
}

export async function solveCaptcha(api: FacteurApi): Promise<string> {
  const challenge = await api.getRecoveryChallenge();
  let solution: PowSolution;
  try {
    solution = await solveInWorker(challenge);
  } catch {
    // No worker (old browser, blocked): the same work on this thread, one await per try.
    solution = await solvePow(challenge, crypto.subtle);
  }
  return encodePayload(challenge, solution);
}
