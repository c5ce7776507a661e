/**
 * The error classes every layer throws; each protocol maps them to its wire format at one boundary
 * (HTTP problem+json, SMTP reply codes, IMAP NO/BAD/BYE).
 *
 * - UserError: the request cannot be served as asked (unknown account, bad password, over quota).
 *   Logged at debug; the message and `code` are shown to the client.
 * - InputError: the request is malformed (bad syntax, invalid field). Logged at debug.
 * - ServerError: our fault. Logged at error with its cause; clients only see a generic message.
 *
 * `code` is a stable dot-named id (`auth.locked`) that clients and the UI switch on.
 */

export type ErrorDetails = Readonly<Record<string, unknown>>;

abstract class FacteurError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;
  constructor(code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
  }
}

export class UserError extends FacteurError {}
export class InputError extends FacteurError {}
export class ServerError extends FacteurError {}
