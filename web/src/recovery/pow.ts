/**
 * The recovery captcha's proof of work, solved with Web Crypto: the same derivation as altcha-lib's
 * PBKDF2 algorithm (src/core/recovery/captcha.ts), tried for counters 0, 1, 2… until the derived
 * key starts with the challenge's prefix.
 *
 * Implementation notes
 * - Why not the `altcha` widget: its default build starts its workers from `blob:` and `data:` URLs,
 *   which our CSP (`worker-src 'self'`) refuses, and weakening the CSP for a captcha is the wrong
 *   trade. Its "external" build lets one register same-origin workers, but brings ~80 kB of Svelte
 *   UI and its own strings and checkbox, where we need a status line and nothing to click. The
 *   derivation is twenty lines; the payload is ALTCHA's, so the server does not care who solved it.
 * - Pure (takes `SubtleCrypto`): runs in the worker (pow-worker.ts) and, when workers are not
 *   available, on the main thread, where each try is an await and the page stays responsive.
 */
import type { CaptchaChallenge } from '../../../common/api.js';

export interface PowSolution {
  counter: number;
  derivedKey: string;
}

const MAX_COUNTER = 0xffffffff;

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** @throws Error for an algorithm we do not solve or a challenge without a solution in range. */
export async function solvePow(
  challenge: CaptchaChallenge,
  subtle: SubtleCrypto,
  signal?: AbortSignal,
): Promise<PowSolution> {
  const { algorithm, nonce, salt, cost, keyLength, keyPrefix } = challenge.parameters;
  if (algorithm !== 'PBKDF2/SHA-256') throw new Error(`unsupported proof-of-work algorithm ${algorithm}`);
  const prefix = keyPrefix.toLowerCase();
  const saltBytes = hexToBytes(salt);
  const nonceBytes = hexToBytes(nonce);
  const password = new Uint8Array(nonceBytes.length + 4);
  password.set(nonceBytes, 0);
  const view = new DataView(password.buffer);
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    if (signal?.aborted) throw new Error('aborted');
    view.setUint32(nonceBytes.length, counter, false);
    const key = await subtle.importKey('raw', password, { name: 'PBKDF2' }, false, ['deriveBits']);
    const bits = await subtle.deriveBits(
      { name: 'PBKDF2', salt: saltBytes, iterations: cost, hash: 'SHA-256' },
      key,
      keyLength * 8,
    );
    const hex = bytesToHex(new Uint8Array(bits));
    if (hex.startsWith(prefix)) return { counter, derivedKey: hex };
  }
  throw new Error('no solution');
}

/** The ALTCHA payload the server expects: base64 of `{ challenge, solution }`. */
export function encodePayload(challenge: CaptchaChallenge, solution: PowSolution): string {
  return btoa(JSON.stringify({ challenge, solution }));
}
