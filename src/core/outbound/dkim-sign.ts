/**
 * DKIM signing (RFC 6376) of a message leaving from one of our domains: submissions and the
 * messages the server writes itself (auto-replies).
 *
 * Implementation notes
 * - The key is the From domain's, relaxed/relaxed; a domain that is not ours signs nothing (the
 *   message goes unsigned, as before any key exists).
 * - Signing comes after every header we add, so receivers verify what they get.
 */
import { dkimSign } from 'mailauth';
import { findDomainByName } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';
import { signingKeyFor } from '../directory/index.js';

/** `raw` with a DKIM-Signature of `fromDomain` prepended, or `raw` itself when the domain is not ours. */
export async function signWithDomainKey(ctx: CoreContext, raw: Buffer, fromDomain: string): Promise<Buffer> {
  const domain = await findDomainByName(ctx.db, fromDomain);
  if (!domain) return raw;
  const key = await signingKeyFor(ctx, domain);
  // mailauth signs only what is listed in signatureData (top-level fields alone sign nothing).
  const signed = await dkimSign(raw, {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKey,
    signTime: new Date(ctx.clock.now()),
    signatureData: [
      {
        signingDomain: key.domain,
        selector: key.selector,
        privateKey: key.privateKey,
        algorithm: key.algorithm,
        canonicalization: 'relaxed/relaxed',
      },
    ],
  });
  if (!signed.signatures.startsWith('DKIM-Signature:')) throw new Error('DKIM signing produced no signature');
  if (signed.errors.length > 0) throw signed.errors[0];
  return Buffer.concat([Buffer.from(signed.signatures.replace(/\r?\n/g, '\r\n'), 'utf8'), raw]);
}
