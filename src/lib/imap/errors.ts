/**
 * The errors of the IMAP wire layer, as values the server turns into `BAD`, `NO` or `BYE`.
 *
 * Implementation notes
 * - ImapProtocolError is an InputError (src/lib/errors): the client sent something malformed or over
 *   a limit. The reader and the parser return it as a value and never throw it across their API,
 *   so one hostile connection cannot crash the process through an unhandled exception.
 * - `tag` is the command's tag when it could be read (answer `tag BAD …`), else null (answer
 *   `* BAD …`). `responseCode` suggests the bracketed code for the answer (`TOOBIG`, RFC 9051 §7.1
 *   and RFC 7888 §4), `fatal` says the stream can no longer be framed and the server should send
 *   `BYE` and close.
 * - Messages are plain 7-bit text meant for the client; they never echo client bytes, so they are
 *   always safe inside a response line (the encoder sanitises them again anyway).
 * - Invalid limits passed by our own code are programming errors: ImapLimitError is a RangeError
 *   thrown at construction, like MimeLimitError.
 */
import { InputError } from '../errors/index.js';

export interface ImapErrorOptions {
  tag?: string | null;
  responseCode?: string | null;
  fatal?: boolean;
}

export class ImapProtocolError extends InputError {
  readonly tag: string | null;
  readonly responseCode: string | null;
  readonly fatal: boolean;
  constructor(code: string, message: string, options: ImapErrorOptions = {}) {
    super(code, message);
    this.tag = options.tag ?? null;
    this.responseCode = options.responseCode ?? null;
    this.fatal = options.fatal ?? false;
  }
}

export class Mutf7Error extends InputError {
  constructor(message: string) {
    super('imap.mutf7_invalid', message);
  }
}

export class ImapLimitError extends RangeError {
  readonly code = 'imap.invalid_limit';
}

/** The outcome of every parsing helper: a value, or an error to answer with. */
export type ImapResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ImapProtocolError };

export function ok<T>(value: T): ImapResult<T> {
  return { ok: true, value };
}

export function fail<T>(message: string, code = 'imap.syntax'): ImapResult<T> {
  return { ok: false, error: new ImapProtocolError(code, message) };
}
