/**
 * An authenticator app, as on a phone: computes TOTP codes (otpauth) from the secret the server
 * showed. Each time step's code is given once, since the server accepts each once.
 */
import { Secret, TOTP } from 'otpauth';

export interface Authenticator {
  /** A code the server has not seen: this time step's, or the next one's (it allows one step of drift). */
  next(): string;
  /** A code that is certainly wrong now. */
  wrong(): string;
}

export function authenticator(secret: string): Authenticator {
  const totp = new TOTP({ secret: Secret.fromBase32(secret.replace(/\s/g, '')), digits: 6, period: 30 });
  let lastStep = -1;
  return {
    next() {
      const now = Math.floor(Date.now() / 30_000);
      const step = Math.max(now, lastStep + 1);
      if (step > now + 1) throw new Error('no fresh code before the next time step');
      lastStep = step;
      return totp.generate({ timestamp: step * 30_000 });
    },
    wrong() {
      const around = [-1, 0, 1].map((d) => totp.generate({ timestamp: Date.now() + d * 30_000 }));
      for (let n = 0; ; n++) {
        const code = String(n).padStart(6, '0');
        if (!around.includes(code)) return code;
      }
    },
  };
}
