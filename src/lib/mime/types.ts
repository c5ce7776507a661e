/**
 * Types of the parsed-message metadata kept beside every raw message blob.
 *
 * Implementation notes
 * - Every offset is a byte offset into the raw blob as delivered; the blob is never normalised
 *   (bare LF, CRLF and mixed line endings keep their exact positions), so IMAP BODY[section]
 *   is served by slicing the blob without parsing it again.
 * - Envelope values are raw (unfolded, not RFC 2047-decoded) because IMAP clients decode them
 *   (RFC 9051 §7.5.2); decoded values for JMAP and search sit on ParsedMessage.
 */

/** Caps on hostile input; each one names the threat it stops (see DEFAULT_MIME_LIMITS). */
export interface MimeLimits {
  /** Nesting of multipart and message/rfc822 parts. */
  maxDepth: number;
  /** Parts listed in the whole tree, nested messages included. */
  maxParts: number;
  /** Bytes of one part's header block that are parsed into fields. */
  maxHeaderBytes: number;
  /** Characters of search text kept in ParsedMessage.textBody. */
  maxTextChars: number;
}

export interface EnvelopeAddress {
  /** Raw display name (quotes removed, not decoded), or null. */
  name: string | null;
  /** Always null: source routes (obs-route) are dropped, as RFC 5322 §4.4 allows. */
  adl: null;
  /** Local part; for a group start, the group name; null at a group end. */
  mailbox: string | null;
  /** Domain; null at a group start or end (RFC 9051 §7.5.2), '' when the address has no domain. */
  host: string | null;
}

export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/** A decoded address for JMAP and display: name is '' when absent. */
export interface Address {
  name: string;
  address: string;
}

export interface MimePart {
  /** IMAP section number (RFC 9051 §6.4.5): '' for the top-level message, '1', '1.2', ... */
  partId: string;
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  type: string;
  subtype: string;
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  encoding: string;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  size: number;
  lines: number | null;
  children: MimePart[];
  message: { envelope: Envelope; root: MimePart } | null;
}

export interface AttachmentInfo {
  partId: string;
  filename: string | null;
  contentType: string;
  size: number;
  disposition: string | null;
}

export interface ParsedMessage {
  root: MimePart;
  envelope: Envelope;
  subject: string;
  from: Address[];
  sender: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
  sentAt: number | null;
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  textBody: string;
  preview: string;
  attachments: AttachmentInfo[];
  hasAttachment: boolean;
}

export interface HeaderField {
  name: string;
  value: string;
}
