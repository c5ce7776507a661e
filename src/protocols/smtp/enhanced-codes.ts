/**
 * Exact enhanced status codes (RFC 3463) in our replies.
 *
 * smtp-server derives the enhanced code of an error reply from its basic code alone (550 → 5.1.1),
 * which is wrong for, e.g., a relay refusal (554 5.7.1) or a DMARC rejection (550 5.7.1). Our errors
 * carry their own code at the start of the message; this wrapper tells smtp-server not to add one
 * when the message already has one. Patched once on the library's connection class, idempotently.
 */
import * as SMTPConnectionModule from 'smtp-server/lib/smtp-connection.js';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;
const PATCHED = Symbol.for('facteur.smtp.enhancedCodes');

interface Sender {
  send(code: number, data: unknown, context?: unknown): void;
  [PATCHED]?: boolean;
}

export function installEnhancedCodePassthrough(): void {
  const module = SMTPConnectionModule as unknown as { SMTPConnection: { prototype: Sender } };
  const proto = module.SMTPConnection.prototype;
  if (proto[PATCHED]) return;
  const original = proto.send;
  proto.send = function send(this: Sender, code: number, data: unknown, context?: unknown) {
    const explicit = typeof data === 'string' && ENHANCED.test(data);
    return original.call(this, code, data, explicit ? false : context);
  };
  proto[PATCHED] = true;
}

/** An error smtp-server turns into a reply: `smtpError(550, '5.1.1', 'no such user')`. */
export function smtpError(
  responseCode: number,
  enhancedCode: string,
  message: string,
): Error & { responseCode: number } {
  return Object.assign(new Error(`${enhancedCode} ${message}`), { responseCode });
}
