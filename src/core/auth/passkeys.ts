/**
 * Passkeys (WebAuthn credentials) as a second factor of two-step sign-in (issue "account
 * security"): registration from the settings, the checks the sign-in's second step calls, the list,
 * renaming and removal.
 *
 * Implementation notes
 * - @simplewebauthn/server does the WebAuthn work (options, attestation and assertion checks); this
 *   module keeps the state: credentials, the pending registration challenge, counters, the audit.
 * - The relying party (RP id, origin) comes from the request (protocols/http/relying-party.ts):
 *   a browser only ever asserts the origin it is on, so checking against that origin is as strict as
 *   a configured one, and there is nothing to configure. A passkey is bound to its RP id: one made
 *   on `webmail.ac-x.fr` signs in on that host (and its subdomains' parent only if chosen as RP id).
 * - Attestation `none`: an institution does not restrict makes of authenticators, and attestation
 *   would only add privacy cost. User verification is `preferred`, not required: the passkey is the
 *   second factor after the password, so a security key without a PIN is enough.
 * - The WebAuthn user handle is the account id (a random UUID, no personal data), the same for every
 *   passkey of the account, so an authenticator keeps one discoverable credential per account.
 * - The registration challenge is stored per account (one pending, 5 minutes, single use: taken out
 *   before the response is checked). The sign-in challenge is the caller's to keep (the pending
 *   sign-in record): `verifyPasskeySignIn` takes it as an argument.
 * - A sign-in answers true or false, never throws for what the browser sent: a response is
 *   untrusted input, and every way it can be wrong means "not this account's passkey".
 * - A profile that requires two-step sign-in keeps at least one second factor: removing the last
 *   passkey while TOTP is off is refused (`two_factor.required`). The check and the delete are not
 *   one statement; two removals racing on the last two passkeys could both pass, which only the
 *   account holder can do to themself, and the sign-in then asks them to enrol again.
 */
import { randomUUID } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { InputError, UserError } from '../../lib/errors/index.js';
import {
  type Account,
  appendAudit,
  countPasskeys,
  deletePasskey,
  findPasskeyByCredentialId,
  findProfileById,
  insertPasskey,
  isUniqueViolation,
  listPasskeyRows,
  type Passkey,
  recordPasskeyUse,
  renamePasskeyRow,
  savePasskeyChallenge,
  takePasskeyChallenge,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { isTotpEnabled } from './totp.js';

/** Who the passkeys are for: the site as the browser sees it. */
export interface RelyingParty {
  /** The RP id: the host name the browser is on (`webmail.ac-x.fr`, `localhost`). */
  id: string;
  /** Shown by the browser and the authenticator: the institution's name. */
  name: string;
  /** `https://webmail.ac-x.fr` (with the port when not the default). */
  origin: string;
}

/** A few keys and phones per person; a bound on what one account can make the server store. */
export const MAX_PASSKEYS = 10;
export const MAX_PASSKEY_NAME_LENGTH = 64;
/** How long the browser prompt may stay open, and the registration challenge live. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

/** Control characters would let a name forge lines in a list or a log. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

function userHandle(account: Account): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(account.id, 'utf8'));
}

function transportsOf(row: Passkey): string[] {
  try {
    const parsed: unknown = JSON.parse(row.transports);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The credentials of the account, as WebAuthn descriptors (exclude at registration, allow at sign-in). */
async function descriptors(ctx: CoreContext, account: Account) {
  return (await listPasskeyRows(ctx.db, account.id)).map((row) => ({
    id: row.credential_id,
    transports: transportsOf(row),
  }));
}

/** @throws InputError `passkey.name_invalid` (maxLength) */
function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_PASSKEY_NAME_LENGTH || CONTROL_CHARACTERS.test(trimmed)) {
    throw new InputError(
      'passkey.name_invalid',
      `the name must have 1 to ${MAX_PASSKEY_NAME_LENGTH} characters`,
      { maxLength: MAX_PASSKEY_NAME_LENGTH },
    );
  }
  return trimmed;
}

async function assertBelowLimit(ctx: CoreContext, account: Account): Promise<void> {
  if ((await countPasskeys(ctx.db, account.id)) >= MAX_PASSKEYS) {
    throw new UserError('passkey.limit', `at most ${MAX_PASSKEYS} passkeys: remove one first`, {
      max: MAX_PASSKEYS,
    });
  }
}

/**
 * Starts adding a passkey: the options for the browser's `navigator.credentials.create()`. A new
 * call replaces the pending registration. The caller has checked the account password again.
 * @throws UserError `passkey.limit`
 */
export async function startPasskeyRegistration(
  ctx: CoreContext,
  account: Account,
  rp: RelyingParty,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertBelowLimit(ctx, account);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: account.address,
    userID: userHandle(account),
    userDisplayName: `${account.first_name} ${account.last_name}`,
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: await descriptors(ctx, account),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  const now = ctx.clock.now();
  await savePasskeyChallenge(ctx.db, {
    account_id: account.id,
    challenge: options.challenge,
    created_at: now,
    expires_at: now + PASSKEY_CHALLENGE_TTL_MS,
  });
  return options;
}

/** Whether `value` has the shape of a credential in JSON (fields the library reads unchecked). */
function isCredentialJSON(value: unknown, kind: 'attestation' | 'assertion'): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const inner = v.response as Record<string, unknown> | null | undefined;
  const fields =
    kind === 'attestation'
      ? ['clientDataJSON', 'attestationObject']
      : ['clientDataJSON', 'authenticatorData', 'signature'];
  return (
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    v.id.length <= 1024 &&
    typeof v.rawId === 'string' &&
    v.type === 'public-key' &&
    typeof inner === 'object' &&
    inner !== null &&
    fields.every((field) => typeof inner[field] === 'string')
  );
}

/**
 * Ends adding a passkey with the browser's answer to `startPasskeyRegistration`'s options.
 * The pending challenge is spent whatever the outcome, except for an invalid name (fixable).
 * @returns the stored passkey.
 * @throws InputError `passkey.name_invalid`; UserError `passkey.challenge_expired`, `passkey.invalid`,
 *   `passkey.limit`, `passkey.already_registered`
 */
export async function finishPasskeyRegistration(
  ctx: CoreContext,
  account: Account,
  rp: RelyingParty,
  name: string,
  response: unknown,
): Promise<Passkey> {
  const cleanName = validName(name);
  const now = ctx.clock.now();
  const challenge = await takePasskeyChallenge(ctx.db, account.id, now);
  if (challenge === undefined) {
    throw new UserError('passkey.challenge_expired', 'the registration expired: start again');
  }
  await assertBelowLimit(ctx, account);
  if (!isCredentialJSON(response, 'attestation')) {
    throw new UserError('passkey.invalid', 'the browser’s answer is not a passkey registration');
  }
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    info = verified.verified ? verified.registrationInfo : undefined;
  } catch (error) {
    ctx.log.debug(
      { event: 'auth.passkey.rejected', reason: (error as Error).message },
      'registration refused',
    );
  }
  if (!info) throw new UserError('passkey.invalid', 'the passkey could not be verified');
  const transports = (info.credential.transports ?? []).filter((t) => TRANSPORTS.has(t));
  let passkey: Passkey;
  try {
    passkey = await insertPasskey(ctx.db, {
      id: randomUUID(),
      account_id: account.id,
      credential_id: info.credential.id,
      public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: JSON.stringify(transports),
      name: cleanName,
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      created_at: now,
      last_used_at: null,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new UserError('passkey.already_registered', 'this passkey is already registered');
    }
    throw error;
  }
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'passkey.added',
    target: account.identifier,
    details: { id: passkey.id, name: passkey.name, deviceType: passkey.device_type },
  });
  ctx.log.info({ event: 'auth.passkey.added', account: account.identifier }, 'passkey added');
  return passkey;
}

/**
 * The options for the browser's `navigator.credentials.get()` at the sign-in's second step, and
 * their challenge, which the caller keeps (single use) and gives back to `verifyPasskeySignIn`.
 */
export async function passkeySignInOptions(
  ctx: CoreContext,
  account: Account,
  rp: RelyingParty,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challenge: string }> {
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: await descriptors(ctx, account),
    userVerification: 'preferred',
    timeout: PASSKEY_CHALLENGE_TTL_MS,
  });
  return { options, challenge: options.challenge };
}

/**
 * Whether `response` is a valid assertion, for `expectedChallenge`, by one of the account's passkeys.
 * When it is, the passkey's counter and last use are recorded and the use audited. Anything the
 * browser could send that is wrong gives false; only a storage failure throws.
 */
export async function verifyPasskeySignIn(
  ctx: CoreContext,
  account: Account,
  rp: RelyingParty,
  response: unknown,
  expectedChallenge: string,
): Promise<boolean> {
  if (!isCredentialJSON(response, 'assertion') || expectedChallenge.length === 0) return false;
  const assertion = response as AuthenticationResponseJSON;
  const passkey = await findPasskeyByCredentialId(ctx.db, account.id, assertion.id);
  if (!passkey) return false;
  let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>['authenticationInfo'] | undefined;
  try {
    const verified = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
        counter: passkey.counter,
        transports: transportsOf(passkey),
      },
      requireUserVerification: false,
    });
    info = verified.verified ? verified.authenticationInfo : undefined;
  } catch (error) {
    ctx.log.debug({ event: 'auth.passkey.rejected', reason: (error as Error).message }, 'assertion refused');
  }
  if (!info) return false;
  const now = ctx.clock.now();
  const recorded = await recordPasskeyUse(ctx.db, account.id, passkey.id, {
    previousCounter: passkey.counter,
    counter: info.newCounter,
    backedUp: info.credentialBackedUp,
    at: now,
  });
  if (!recorded) return false;
  await appendAudit(ctx.db, {
    at: now,
    actor: account.id,
    action: 'passkey.used',
    target: account.identifier,
    details: { id: passkey.id, name: passkey.name },
  });
  return true;
}

export async function listPasskeys(ctx: CoreContext, account: Account): Promise<Passkey[]> {
  return listPasskeyRows(ctx.db, account.id);
}

export async function hasPasskeys(ctx: CoreContext, account: Account): Promise<boolean> {
  return (await countPasskeys(ctx.db, account.id)) > 0;
}

/** @throws InputError `passkey.name_invalid`; UserError `passkey.not_found` */
export async function renamePasskey(
  ctx: CoreContext,
  account: Account,
  id: string,
  name: string,
): Promise<Passkey> {
  const renamed = await renamePasskeyRow(ctx.db, account.id, id, validName(name));
  if (!renamed) throw new UserError('passkey.not_found', 'no such passkey');
  return renamed;
}

/**
 * Removes one of the account's passkeys.
 * @throws UserError `passkey.not_found`; `two_factor.required` when it is the last second factor of
 *   an account whose profile requires two-step sign-in.
 */
export async function removePasskey(ctx: CoreContext, account: Account, id: string): Promise<void> {
  const rows = await listPasskeyRows(ctx.db, account.id);
  if (!rows.some((row) => row.id === id)) throw new UserError('passkey.not_found', 'no such passkey');
  if (rows.length === 1 && (await twoFactorRequired(ctx, account)) && !(await isTotpEnabled(ctx, account))) {
    throw new UserError(
      'two_factor.required',
      'two-step sign-in is required for this account: add another passkey or an authenticator app first',
    );
  }
  const removed = await deletePasskey(ctx.db, account.id, id);
  if (!removed) throw new UserError('passkey.not_found', 'no such passkey');
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor: account.id,
    action: 'passkey.removed',
    target: account.identifier,
    details: { id, name: removed.name },
  });
  ctx.log.info({ event: 'auth.passkey.removed', account: account.identifier }, 'passkey removed');
}

async function twoFactorRequired(ctx: CoreContext, account: Account): Promise<boolean> {
  return (await findProfileById(ctx.db, account.profile_id))?.two_factor_required === 1;
}
