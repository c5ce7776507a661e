import type { Locale, Problem } from '../../../common/api.js';
import { CLIENT_PROBLEM_CODES } from '../api/client';
import { intlLocale, type MessageId, type Translate } from './translate';

/** Problem codes the web API documents (common/api.ts), each with a catalogue entry `problem.<code>`. */
export const KNOWN_PROBLEM_CODES = [
  'auth.invalid',
  'auth.locked',
  'auth.disabled',
  'auth.throttled',
  'auth.required',
  'auth.password_change_required',
  'request.invalid',
  'password.policy',
  'password.current_wrong',
  'auth.pending_expired',
  'second_factor.invalid',
  'totp.code_invalid',
  'totp.already_enabled',
  'two_factor.required',
  'two_factor.off',
  'passkey.challenge_expired',
  'passkey.invalid',
  'passkey.limit',
  'passkey.already_registered',
  'passkey.name_invalid',
  'passkey.not_found',
  'recovery.no_match',
  'recovery.throttled',
  'recovery.captcha_invalid',
  'recovery.numen_invalid',
  'recovery.birth_date_invalid',
  'recovery.token_invalid',
] as const;

/**
 * The sentence shown to the user for a problem. Server titles are never shown (they are English and
 * written for developers); unknown codes get a generic message carrying the code for the helpdesk.
 */
export function describeProblem(problem: Problem, t: Translate, locale: Locale): string {
  switch (problem.code) {
    case 'auth.locked': {
      const until = problem.lockedUntil ? new Date(problem.lockedUntil) : undefined;
      if (!until || Number.isNaN(until.getTime())) return t('problem.auth.locked.noDate');
      const formatted = new Intl.DateTimeFormat(intlLocale(locale), {
        dateStyle: 'full',
        timeStyle: 'short',
      }).format(until);
      return t('problem.auth.locked', { until: formatted });
    }
    case 'auth.throttled': {
      const raw = problem.retryAfterSeconds;
      const seconds = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? Math.ceil(raw) : 1;
      return seconds === 1 ? t('problem.auth.throttled.one') : t('problem.auth.throttled.other', { seconds });
    }
    case 'second_factor.invalid': {
      const left = problem.attemptsLeft;
      if (typeof left !== 'number' || !Number.isFinite(left) || left < 1)
        return t('problem.auth.pending_expired');
      return left === 1
        ? t('problem.second_factor.invalid.one')
        : t('problem.second_factor.invalid.other', { attempts: Math.floor(left) });
    }
    case 'recovery.throttled': {
      const raw = problem.retryAfterSeconds;
      const seconds = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? Math.ceil(raw) : 1;
      return seconds === 1
        ? t('problem.recovery.throttled.one')
        : t('problem.recovery.throttled.other', { minutes: Math.ceil(seconds / 60) });
    }
    case 'auth.pending_expired':
    case 'totp.code_invalid':
    case 'totp.already_enabled':
    case 'two_factor.required':
    case 'two_factor.off':
    case 'recovery.no_match':
    case 'recovery.captcha_invalid':
    case 'recovery.numen_invalid':
    case 'recovery.birth_date_invalid':
    case 'recovery.token_invalid':
    case 'auth.invalid':
    case 'auth.disabled':
    case 'auth.required':
    case 'auth.password_change_required':
    case 'request.invalid':
    case 'password.policy':
    case 'password.current_wrong':
    case 'passkey.challenge_expired':
    case 'passkey.invalid':
    case 'passkey.limit':
    case 'passkey.already_registered':
    case 'passkey.name_invalid':
    case 'passkey.not_found':
    case CLIENT_PROBLEM_CODES.network:
    case CLIENT_PROBLEM_CODES.timeout:
    case CLIENT_PROBLEM_CODES.server:
      return t(`problem.${problem.code}` as MessageId);
    default:
      if (problem.status >= 500) return t('problem.client.server');
      return t('problem.client.unexpected', { code: problem.code || String(problem.status) });
  }
}
