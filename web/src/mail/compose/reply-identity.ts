import type { EmailAddress, Identity } from '../jmap/types';

/**
 * The identity a reply is written from: the address the original was sent to (an alias such as
 * secretariat@ rather than the personal one), when it is one of the user's; else the first one.
 */
export function replyIdentity(
  identities: readonly Identity[],
  original: { to: EmailAddress[] | null; cc?: EmailAddress[] | null },
): Identity | undefined {
  const addressed = new Set(
    [...(original.to ?? []), ...(original.cc ?? [])].map((a) => a.email.toLowerCase()),
  );
  return identities.find((i) => addressed.has(i.email.toLowerCase())) ?? identities[0];
}
