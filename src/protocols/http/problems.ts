/**
 * The one place where errors become HTTP problem+json (RFC 9457).
 *
 * Implementation notes
 * - UserError and InputError carry a stable `code`; the status comes from STATUS_BY_CODE (UserError)
 *   or is 400 (InputError). Their `details` are copied into the problem (never secrets: they are
 *   built for clients).
 * - Anything else is a server fault: logged with its stack, answered with a generic 500 that reveals
 *   nothing of the internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../../common/api.js';
import { InputError, UserError } from '../../lib/errors/index.js';

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'auth.required': 401,
  'auth.invalid': 401,
  'auth.locked': 423,
  'auth.disabled': 403,
  'auth.throttled': 429,
  'auth.password_change_required': 403,
  'auth.pending_expired': 401,
  'second_factor.invalid': 401,
  'totp.code_invalid': 400,
  'password.current_wrong': 403,
  'app_password.not_found': 404,
  'session.not_found': 404,
  'app_password.limit': 409,
  'passkey.not_found': 404,
  'passkey.invalid': 400,
  'passkey.challenge_expired': 409,
  'passkey.already_registered': 409,
  'passkey.limit': 409,
  'two_factor.required': 409,
  'csrf.invalid': 403,
  'account.not_found': 404,
  'domain.not_found': 404,
  'route.not_found': 404,
  'recovery.no_match': 404,
  'recovery.throttled': 429,
  'recovery.token_invalid': 410,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `urn:facteur:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.retryAfterSeconds !== undefined) reply.header('retry-after', String(body.retryAfterSeconds));
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

export function errorToProblem(error: unknown, request: FastifyRequest): Problem {
  if (error instanceof UserError || error instanceof InputError) {
    const status = error instanceof InputError ? 400 : (STATUS_BY_CODE[error.code] ?? 409);
    request.log.debug({ event: 'http.error', code: error.code }, error.message);
    return problem(status, error.code, error.message, error.details as Partial<Problem>);
  }
  const fastifyError = error as FastifyError;
  if (
    fastifyError.validation ||
    fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
    fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return problem(fastifyError.statusCode ?? 400, 'request.invalid', fastifyError.message);
  }
  if (
    fastifyError.statusCode !== undefined &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    // Fastify's own client errors (body too large, bad JSON): their message is safe to show.
    return problem(fastifyError.statusCode, 'request.invalid', fastifyError.message);
  }
  request.log.error({ event: 'http.error', err: error }, 'unhandled error');
  return problem(500, 'server.error', 'An internal error occurred; it has been logged.');
}
