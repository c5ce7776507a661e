/**
 * MIME parsing for the mail store: the metadata computed once at delivery (IMAP ENVELOPE,
 * BODYSTRUCTURE and BODY[section] offsets, JMAP Email properties, search text) and the helpers
 * that read parts back from the raw blob. Pure: no I/O.
 *
 * Implementation notes
 * - Invariants: parseMessage never throws on message content, never normalises the blob, and every
 *   part's [headerStart, bodyStart) and [bodyStart, bodyEnd) lie inside its parent's body range
 *   (property-tested with fast-check, fixed seed). Work is O(size × depth), depth ≤ maxDepth.
 * - Section numbers follow RFC 9051 §6.4.5; findPart resolves them (a non-multipart message is
 *   its own part 1; the parts of a message/rfc822 part continue its number). See structure.ts.
 * - Checked against Python's `email` package (policy.default) over the 6,046 messages of the
 *   SpamAssassin public corpus (test/corpus/spamassassin.test.ts). Agreement: subject 99.42 %,
 *   from addresses 99.83 %, date 98.81 %, attachment filenames 99.98 %. The remaining classes,
 *   where we differ on purpose:
 *   - raw 8-bit headers that are not UTF-8: Python shows U+FFFD, we read latin-1 (right for the
 *     latin-1 mail of the time, mojibake for raw EUC-KR/GB2312/Big5, as Python's is);
 *   - year written `0102` (spamware printing year − 1900): Python keeps year 102, we read 2002
 *     per RFC 5322 §4.3 — 62 messages, the whole gap on dates;
 *   - `AM`/`PM` after the time: Python ignores it and the zone after it, we honour both;
 *   - an unsigned 5-digit zone (`01800`): Python reads +18:00, we take UTC;
 *   - an encoded word as an addr-spec local part: Python decodes it, we keep it (RFC 2047 §5);
 *   - `"" <>`, `a@b@c`, `[x]@host`: Python lists `<>`, we keep what is there or nothing;
 *   - `addr: <other>` in From: Python reads the addr-spec, we read a group;
 *   - an unquoted parameter value with spaces (`filename=a b.doc`): Python keeps `a`, we keep `a b.doc`.
 */

export { parseAddressList } from './address.js';
export { attachmentSize, partFilename, splitBody } from './body-parts.js';
export {
  type ComposeAddress,
  type ComposeAttachment,
  type ComposeInput,
  composeMessage,
  withoutBcc,
} from './compose.js';
export { parseDate, parseDateDay } from './date.js';
export { decodeBody, decodeText, getHeaders, getMessageHeaders } from './decode.js';
export { decodeHeaderValue } from './encoded-words.js';
export {
  asAddresses,
  asDate,
  asGroupedAddresses,
  asMessageIds,
  asText,
  asURLs,
  type EmailAddress,
  type EmailAddressGroup,
  HEADER_FORMS,
  type HeaderForm,
  type HeaderFormValue,
  headerFormValue,
  type RawHeaderField,
  readHeaderFields,
} from './header-forms.js';
export { DEFAULT_MIME_LIMITS, MimeLimitError, parseMessage } from './parse-message.js';
export { findPart } from './structure.js';
export type {
  Address,
  AttachmentInfo,
  Envelope,
  EnvelopeAddress,
  HeaderField,
  MimeLimits,
  MimePart,
  ParsedMessage,
} from './types.js';
