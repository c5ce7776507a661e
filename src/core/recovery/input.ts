/**
 * What a visitor types on the recovery pages, read from an untrusted request body.
 *
 * Implementation notes
 * - Every failure is an InputError (HTTP 400) with a field-specific code; nothing else can escape,
 *   whatever the body (property-tested in input.test.ts).
 * - NUMEN: 13 letters or digits, typed with spaces or in lower case as people copy it from a pay
 *   slip; normalised as the directory stores it (core/directory/validation.ts).
 * - Birth date: ISO `YYYY-MM-DD` (what `<input type="date">` sends) or the French `JJ/MM/AAAA`
 *   (also with `-` or `.`), a real calendar day from 1900 to 2100. The future is not refused here:
 *   no account can match it, and a different answer would be one more thing to get right.
 */
import { z } from 'zod';
import { InputError } from '../../lib/errors/index.js';

const NUMEN = /^[0-9A-Z]{13}$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
/** An ALTCHA payload is a few hundred bytes of base64 JSON; this bounds the work on garbage. */
export const MAX_CAPTCHA_PAYLOAD_CHARS = 4096;

const RequestBody = z.object({
  numen: z.string().max(64),
  birthDate: z.string().max(32),
  altcha: z.string().min(1).max(MAX_CAPTCHA_PAYLOAD_CHARS),
});

const TokenBody = z.object({ token: z.string().max(128) });
const NewPasswordBody = z.object({ token: z.string().max(128), newPassword: z.string().min(1).max(4096) });

/** A recovery token: 32 random bytes in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface RecoveryRequest {
  /** Normalised NUMEN (13 upper-case letters or digits). */
  numen: string;
  /** ISO date `YYYY-MM-DD`. */
  birthDate: string;
  /** The ALTCHA payload (base64 JSON), checked by captcha.ts. */
  altcha: string;
}

/** @throws InputError `request.invalid`, `recovery.numen_invalid`, `recovery.birth_date_invalid` */
export function parseRecoveryRequest(body: unknown): RecoveryRequest {
  const parsed = RequestBody.safeParse(body);
  if (!parsed.success) {
    throw new InputError('request.invalid', 'numen, birthDate and altcha are required strings');
  }
  return {
    numen: parseNumen(parsed.data.numen),
    birthDate: parseBirthDate(parsed.data.birthDate),
    altcha: parsed.data.altcha,
  };
}

/** @throws InputError `recovery.numen_invalid` */
export function parseNumen(value: string): string {
  const numen = value.replace(/\s+/g, '').toUpperCase();
  if (!NUMEN.test(numen)) throw new InputError('recovery.numen_invalid', 'a NUMEN is 13 letters or digits');
  return numen;
}

/** @returns the ISO date. @throws InputError `recovery.birth_date_invalid` */
export function parseBirthDate(value: string): string {
  const text = value.trim();
  const iso = ISO.exec(text);
  const french = iso ? null : FRENCH.exec(text);
  const parts = iso
    ? { year: iso[1], month: iso[2], day: iso[3] }
    : french
      ? { year: french[3], month: french[2]?.padStart(2, '0'), day: french[1]?.padStart(2, '0') }
      : null;
  const date = parts ? `${parts.year}-${parts.month}-${parts.day}` : '';
  const time = parts ? new Date(`${date}T00:00:00Z`).getTime() : Number.NaN;
  const year = Number(parts?.year);
  if (
    Number.isNaN(time) ||
    new Date(time).toISOString().slice(0, 10) !== date ||
    year < 1900 ||
    year > 2100
  ) {
    throw new InputError(
      'recovery.birth_date_invalid',
      'a birth date is a real day written YYYY-MM-DD or DD/MM/YYYY',
    );
  }
  return date;
}

/** @returns the token, or throws InputError `recovery.token_invalid` when it cannot be one. */
export function parseTokenBody(body: unknown): string {
  const parsed = TokenBody.safeParse(body);
  if (!parsed.success) throw new InputError('request.invalid', 'token is required');
  return checkToken(parsed.data.token);
}

export function parseNewPasswordBody(body: unknown): { token: string; newPassword: string } {
  const parsed = NewPasswordBody.safeParse(body);
  if (!parsed.success) throw new InputError('request.invalid', 'token and newPassword are required');
  return { token: checkToken(parsed.data.token), newPassword: parsed.data.newPassword };
}

function checkToken(token: string): string {
  if (!TOKEN.test(token)) throw new InputError('recovery.token_invalid', 'this link is not valid');
  return token;
}
