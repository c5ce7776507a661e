/**
 * Sign in (one or two steps), who am I, sign out: /api/session (see common/api.ts).
 *
 * Implementation notes
 * - A correct password either opens the session or, when a second step is due (core/auth/two-step.ts),
 *   sets the `facteur_pending` cookie (scoped to /api/session, 10 minutes) and says what to answer
 *   with. Every session opening goes through `openWebSession`, which also records the browser's
 *   device token (core/auth/devices.ts) so that a new device is told to the account's owner.
 * - The device cookie is set as soon as the password is right: the second step must come from the
 *   same browser, and a browser trusted for 30 days is recognised by it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {
  EnrolledSession,
  EnrolmentRequired,
  SecondStepRequired,
  SessionInfo,
  TotpSetup,
} from '../../../../common/api.js';
import {
  type ClientThrottle,
  closeSession,
  completeEnrolment,
  completeSecondStep,
  confirmTotpEnrolment,
  deviceTokenFrom,
  nextSignInStep,
  offerPasskeyChallenge,
  openSession,
  PENDING_SIGN_IN_MS,
  passkeySignInOptions,
  recordSignInDevice,
  resumePendingSignIn,
  type SecondStepProof,
  startTotpEnrolment,
  trustSignInDevice,
  verifyPasskeySignIn,
  verifySignIn,
} from '../../../core/auth/index.js';
import type { CoreContext } from '../../../core/context.js';
import { InputError } from '../../../lib/errors/index.js';
import { qrCodeSvg } from '../../../lib/qr/index.js';
import type { Account } from '../../../store/sql/index.js';
import { relyingPartyFor } from '../relying-party.js';
import {
  clearSessionCookie,
  DEVICE_COOKIE,
  requireSession,
  SESSION_COOKIE,
  setDeviceCookie,
  setSessionCookie,
} from '../session-cookie.js';
import { presentSession } from './present.js';

const PENDING_COOKIE = 'facteur_pending';
const PENDING_PATH = '/api/session';

const SignInBody = z.object({
  login: z.string().min(1).max(320),
  password: z.string().min(1).max(4096),
});

const SecondFactorBody = z.union([
  z.object({
    method: z.enum(['totp', 'recovery']),
    code: z.string().min(1).max(64),
    trustDevice: z.boolean().default(false),
  }),
  z.object({ method: z.literal('passkey'), response: z.unknown(), trustDevice: z.boolean().default(false) }),
]);

const CodeBody = z.object({ code: z.string().min(1).max(64) });

export interface SessionRouteOptions {
  throttle: ClientThrottle;
  /** The institution's name: what authenticator apps show beside the code, the passkeys' relying party. */
  totpIssuer: string;
}

/** A TOTP enrolment as the client shows it: the secret grouped by four for typing. */
export async function presentTotpSetup(enrolment: { secret: string; uri: string }): Promise<TotpSetup> {
  return {
    secret: enrolment.secret.replace(/(.{4})(?=.)/g, '$1 '),
    uri: enrolment.uri,
    qrCodeSvg: await qrCodeSvg(enrolment.uri),
  };
}

export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  options: SessionRouteOptions,
): void {
  const { throttle } = options;

  async function openWebSession(
    request: FastifyRequest,
    reply: FastifyReply,
    account: Account,
    deviceToken: string,
  ): Promise<SessionInfo> {
    const userAgent = request.headers['user-agent'] ?? null;
    const { token } = await openSession(ctx, account, { ip: request.ip, userAgent });
    setSessionCookie(request, reply, token, ctx.auth.sessionMaxMs);
    await recordSignInDevice(ctx, account, { token: deviceToken, ip: request.ip, userAgent });
    return presentSession(ctx, account);
  }

  function setPendingCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
    reply.setCookie(PENDING_COOKIE, token, {
      path: PENDING_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      maxAge: Math.floor(PENDING_SIGN_IN_MS / 1000),
    });
  }

  function clearPendingCookie(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(PENDING_COOKIE, {
      path: PENDING_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
    });
  }

  const resume = (request: FastifyRequest, purpose: 'second_factor' | 'enrol') =>
    resumePendingSignIn(ctx, request.cookies[PENDING_COOKIE], request.cookies[DEVICE_COOKIE], purpose);

  app.get('/api/session', async (request) => {
    const active = await requireSession(ctx, request);
    return presentSession(ctx, active.account);
  });

  app.post('/api/session', async (request, reply) => {
    const parsed = SignInBody.safeParse(request.body);
    if (!parsed.success) throw new InputError('request.invalid', 'login and password are required');
    const account = await verifySignIn(ctx, throttle, { ...parsed.data, client: request.ip });
    const deviceToken = deviceTokenFrom(request.cookies[DEVICE_COOKIE]);
    setDeviceCookie(request, reply, deviceToken);
    const step = await nextSignInStep(ctx, account, deviceToken);
    if (step.kind === 'session') return openWebSession(request, reply, account, deviceToken);
    setPendingCookie(request, reply, step.token);
    if (step.kind === 'enrol') return { next: 'enrol' } satisfies EnrolmentRequired;
    return { next: 'second_factor', methods: step.methods } satisfies SecondStepRequired;
  });

  app.post('/api/session/second-factor', async (request, reply) => {
    const parsed = SecondFactorBody.safeParse(request.body);
    if (!parsed.success)
      throw new InputError('request.invalid', 'a method and its code or response are required');
    const resumed = await resume(request, 'second_factor');
    const body = parsed.data;
    let proof: SecondStepProof;
    if (body.method === 'passkey') {
      const rp = relyingPartyFor(request, options.totpIssuer);
      proof = {
        method: 'passkey',
        verify: (challenge) => verifyPasskeySignIn(ctx, resumed.account, rp, body.response, challenge),
      };
    } else proof = { method: body.method, code: body.code };
    await completeSecondStep(ctx, throttle, resumed, proof, request.ip);
    clearPendingCookie(request, reply);
    const deviceToken = request.cookies[DEVICE_COOKIE] as string;
    const session = await openWebSession(request, reply, resumed.account, deviceToken);
    if (body.trustDevice) await trustSignInDevice(ctx, resumed.account, resumed.pending);
    return session;
  });

  app.post('/api/session/passkey-options', async (request) => {
    const resumed = await resume(request, 'second_factor');
    const { options: requestOptions, challenge } = await passkeySignInOptions(
      ctx,
      resumed.account,
      relyingPartyFor(request, options.totpIssuer),
    );
    await offerPasskeyChallenge(ctx, resumed, challenge);
    return requestOptions;
  });

  app.post('/api/session/enrolment/totp', async (request) => {
    const { account } = await resume(request, 'enrol');
    return presentTotpSetup(await startTotpEnrolment(ctx, account, options.totpIssuer));
  });

  app.post('/api/session/enrolment/totp/confirm', async (request, reply) => {
    const parsed = CodeBody.safeParse(request.body);
    if (!parsed.success) throw new InputError('request.invalid', 'the code is required');
    const resumed = await resume(request, 'enrol');
    const recoveryCodes = await confirmTotpEnrolment(ctx, resumed.account, parsed.data.code);
    await completeEnrolment(ctx, resumed);
    clearPendingCookie(request, reply);
    const deviceToken = request.cookies[DEVICE_COOKIE] as string;
    const session = await openWebSession(request, reply, resumed.account, deviceToken);
    return { session, recoveryCodes } satisfies EnrolledSession;
  });

  app.delete('/api/session', async (request, reply) => {
    if (request.cookies[SESSION_COOKIE]) {
      const active = await requireSession(ctx, request).catch(() => undefined);
      if (active) {
        await closeSession(ctx, active);
        ctx.log.info({ event: 'auth.signout', account: active.account.identifier }, 'signed out');
      }
    }
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
}
