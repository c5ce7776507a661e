/**
 * The IMAP wire layer for our server (RFC 9051 IMAP4rev2, RFC 3501 IMAP4rev1): command framing,
 * command parsing, typed argument readers, response encoding and modified UTF-7. Pure: no I/O.
 *
 * Implementation notes
 * - Data flow: socket bytes → CommandReader (framing, literals, continuation decisions, raw lines
 *   for AUTHENTICATE and IDLE) → parseCommand (syntax tree) → arguments.ts / sequence-set.ts
 *   (typed values per command) → handler → ResponseEncoder (Buffers to write).
 * - Nothing here throws on client input: the reader yields error events and the parser and
 *   argument readers return ImapResult values, each with a message fit for `tag BAD text` and, for
 *   size limits, the TOOBIG response code. Only programming errors (invalid limits, an invalid atom
 *   or tag given to the encoder) throw, as RangeErrors.
 * - Memory per connection is bounded by the reader's limits (line, literal, command size, literal
 *   count) plus the unframed input, which the caller bounds with `bufferedBytes` and backpressure.
 * - Extensions whose syntax lives here: LITERAL+/LITERAL- (RFC 7888), BINARY literal8 (RFC 3516),
 *   UTF8=ACCEPT (RFC 6855), SEARCHRES `$` (RFC 5182); CONDSTORE/QRESYNC, ID, SPECIAL-USE and LIST
 *   extended arguments are plain lists and atoms to the parser.
 * - Invariants are property-tested with fast-check (fixed seeds): chunking never changes the reader's
 *   events, encode→parse is the identity on strings and nested lists, mUTF-7 decoding accepts
 *   exactly the canonical encodings, sequence sets agree with a naive expansion.
 */
export {
  type AstringOptions,
  isNil,
  isPlainAtom,
  type MailboxNameOptions,
  parseAstring,
  parseAstringText,
  parseMailboxName,
  parseNumber,
  parseNumber64,
  parseNzNumber,
  parseSectionSpec,
  type SectionOptions,
  type SectionSpec,
  type SectionText,
} from './arguments.js';
export {
  type AtomNode,
  frameCommand,
  type ImapCommand,
  type ImapNode,
  type ListNode,
  type LiteralNode,
  type ParserOptions,
  type PartialRange,
  parseCommand,
  type QuotedNode,
} from './command-parser.js';
export {
  type CommandFrame,
  CommandReader,
  type CommandReaderLimits,
  DEFAULT_READER_LIMITS,
  type ReaderEvent,
} from './command-reader.js';
export { ImapLimitError, ImapProtocolError, type ImapResult, Mutf7Error } from './errors.js';
export { decodeMutf7, encodeMutf7, isValidMutf7, type Mutf7Options } from './mutf7.js';
export {
  astring,
  atom,
  binary,
  code,
  type EncoderOptions,
  encodeValue,
  flag,
  literal,
  literal8,
  mailbox,
  type ResponseCode,
  ResponseEncoder,
  type ResponseStatus,
  type ResponseToken,
  type ResponseValue,
  raw,
  string,
} from './response-encoder.js';
export {
  formatSequenceSet,
  parseSequenceSet,
  type SequenceRange,
  type SequenceSet,
  type SequenceSetOptions,
  sequenceSetIncludes,
} from './sequence-set.js';
