/**
 * A WebAuthn authenticator in software, for tests that have no browser: answers registration and
 * sign-in options with the JSON a browser's @simplewebauthn/browser would send, made the way the
 * WebAuthn specification says (authenticator data, CBOR attestation object with format `none`,
 * ES256 signature over authenticator data and the hash of the client data).
 *
 * Implementation notes
 * - One P-256 key pair and one credential per instance; `counter` is the signature counter it
 *   reports (0: keeps none, like most passkeys; set it to play a security key or a clone).
 * - `origin` is what the "browser" puts in the client data: give another to play a phishing site.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64u = (data: Uint8Array) => Buffer.from(data).toString('base64url');

export interface SoftAuthenticator {
  credentialId: string;
  counter: number;
  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON;
  assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    rpId?: string,
  ): AuthenticationResponseJSON;
}

export function createSoftAuthenticator(): SoftAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cosePublicKey = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(jwk.x as string, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y as string, 'base64url'))],
    ]),
  );
  const rawId = randomBytes(16);

  const authenticatorData = (rpId: string, flags: number, counter: number, attested?: Uint8Array) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  };
  const clientData = (type: string, challenge: string, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  const authenticator: SoftAuthenticator = {
    credentialId: b64u(rawId),
    counter: 0,
    register(options, origin) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const attested = Buffer.concat([Buffer.alloc(16), idLength, rawId, cosePublicKey]);
      const authData = authenticatorData(
        options.rp.id ?? new URL(origin).hostname,
        FLAG_UP | FLAG_UV | FLAG_AT,
        authenticator.counter,
        attested,
      );
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Map<string, string> | Uint8Array>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, string>()],
          ['authData', new Uint8Array(authData)],
        ]),
      );
      return {
        id: authenticator.credentialId,
        rawId: authenticator.credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientData('webauthn.create', options.challenge, origin)),
          attestationObject: b64u(attestationObject),
          transports: ['usb'],
        },
        clientExtensionResults: {},
      };
    },
    assert(options, origin, rpId) {
      const authData = authenticatorData(
        rpId ?? options.rpId ?? new URL(origin).hostname,
        FLAG_UP | FLAG_UV,
        authenticator.counter,
      );
      const clientDataJSON = clientData('webauthn.get', options.challenge, origin);
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey);
      return {
        id: authenticator.credentialId,
        rawId: authenticator.credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientDataJSON),
          authenticatorData: b64u(authData),
          signature: b64u(signature),
        },
        clientExtensionResults: {},
      };
    },
  };
  return authenticator;
}
