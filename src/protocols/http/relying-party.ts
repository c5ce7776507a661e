/**
 * The WebAuthn relying party of a request: the site the browser is on, named after the institution.
 *
 * Implementation notes
 * - The RP id is the request's host name and the origin `${protocol}://${host}`: no setting to get
 *   wrong. A browser only ever asserts the origin it is on (in the signed client data), and makes
 *   passkeys only for its own host name (or a parent domain), so checking against the origin the
 *   request came to is as strict as a configured one. A phishing site on another host can neither
 *   use a passkey of this one nor relay its answer, since the origin is signed.
 * - Behind a reverse proxy, FACTEUR_TRUST_PROXY makes Fastify read X-Forwarded-Proto and
 *   X-Forwarded-Host, so the RP is the public name (`webmail.ac-x.fr`), not the internal address.
 * - A passkey is bound to the RP id it was made for: one made on `webmail.ac-x.fr` does not sign in
 *   on `mail.ac-x.fr`. A deployment that changes its web host name asks people to add passkeys again.
 * - WebAuthn needs a secure context: https, or http://localhost. An IP address cannot be an RP id,
 *   so http://127.0.0.1 fails in the browser (SecurityError), which the settings page explains.
 */
import type { FastifyRequest } from 'fastify';
import type { RelyingParty } from '../../core/auth/index.js';

export function relyingPartyFor(request: FastifyRequest, institutionName: string): RelyingParty {
  return {
    id: request.hostname,
    name: institutionName,
    origin: `${request.protocol}://${request.host}`,
  };
}
