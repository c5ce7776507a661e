/**
 * Reading stored mail back for the protocols (IMAP FETCH, later JMAP and the webmail): the raw bytes
 * of a message and the parsed metadata kept beside it.
 *
 * Implementation notes
 * - Metadata comes from `message_bodies`, parsed once at delivery (lib/mime types); nothing here
 *   parses a message again. The raw bytes are read whole: a message is at most
 *   FACTEUR_MAX_MESSAGE_BYTES, and BODY[section] slices them by the stored offsets.
 * - Callers look a message up through the account first (messages rows carry the account id), so a
 *   blob id from another account never reaches these functions.
 */
import type { Address, Envelope, MimePart } from '../../lib/mime/index.js';
import { type BlobId, parseBlobId } from '../../store/blob/index.js';
import { findMessageBodies, findMessageBodyColumns, type MessageBody } from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export interface BodyMetadata {
  blobId: string;
  size: number;
  root: MimePart;
  envelope: Envelope;
  /** Decoded Subject header as sent. */
  subject: string;
  /** Subject without reply/forward prefixes, lower case (threading, IMAP SORT SUBJECT). */
  baseSubject: string;
  /** Date header, epoch ms, or null when missing or unreadable. */
  sentAt: number | null;
  from: Address[];
  to: Address[];
  cc: Address[];
  /** Message-ID, In-Reply-To and References, without angle brackets. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
}

/** The raw message, byte for byte as delivered. @throws BlobNotFoundError when missing. */
export async function readMessageBytes(ctx: CoreContext, blobId: string | BlobId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.blobs.get(parseBlobId(blobId))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Most header bytes read for a HEADER search: a larger header is cut there. */
const MAX_HEADER_READ = 256 * 1024;

/**
 * The start of the raw message, through its header (the first blank line), without reading the
 * body: a search on a header field should not read every attachment of the mailbox.
 */
export async function readMessageHeader(ctx: CoreContext, blobId: string | BlobId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = await ctx.blobs.get(parseBlobId(blobId));
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      const searchFrom = Math.max(0, length - 3);
      chunks.push(buffer);
      length += buffer.length;
      const joined = chunks.length === 1 ? buffer : Buffer.concat(chunks);
      const end = headerEnd(joined, searchFrom);
      if (end >= 0) return joined.subarray(0, end);
      if (length >= MAX_HEADER_READ) return joined.subarray(0, MAX_HEADER_READ);
    }
    return Buffer.concat(chunks);
  } finally {
    stream.destroy();
  }
}

/** Offset just past the blank line ending the header (CRLF or bare LF), or -1. */
function headerEnd(bytes: Buffer, from: number): number {
  for (let i = bytes.indexOf(0x0a, from); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Parsed metadata of these bodies, by blob id; unknown ids are absent from the map. */
export async function bodyMetadata(ctx: CoreContext, blobIds: string[]): Promise<Map<string, BodyMetadata>> {
  const rows = await findMessageBodies(ctx.db, [...new Set(blobIds)]);
  return new Map(rows.map((row) => [row.blob_id, metadataOf(row)]));
}

/** What FETCH renders of a message without reading it: envelope and MIME structure. */
export interface BodyDescription {
  envelope?: Envelope;
  root?: MimePart;
}

/**
 * The envelope and/or MIME structure of these blobs, and nothing else: FETCH reads and parses only
 * what its items show (ENVELOPE alone is the common case of a client listing a folder).
 */
export async function bodyDescriptions(
  ctx: CoreContext,
  blobIds: string[],
  want: { envelope: boolean; structure: boolean },
): Promise<Map<string, BodyDescription>> {
  const columns = [
    ...(want.envelope ? (['envelope'] as const) : []),
    ...(want.structure ? (['structure'] as const) : []),
  ];
  const result = new Map<string, BodyDescription>();
  if (columns.length === 0) return result;
  for (const row of await findMessageBodyColumns(ctx.db, [...new Set(blobIds)], columns)) {
    const description: BodyDescription = {};
    if ('envelope' in row) description.envelope = JSON.parse(row.envelope) as Envelope;
    if ('structure' in row) description.root = JSON.parse(row.structure) as MimePart;
    result.set(row.blob_id, description);
  }
  return result;
}

function metadataOf(row: MessageBody): BodyMetadata {
  return {
    blobId: row.blob_id,
    size: row.size,
    root: JSON.parse(row.structure) as MimePart,
    envelope: JSON.parse(row.envelope) as Envelope,
    subject: row.subject,
    baseSubject: row.base_subject,
    sentAt: row.sent_at,
    from: JSON.parse(row.from_addresses) as Address[],
    to: JSON.parse(row.to_addresses) as Address[],
    cc: JSON.parse(row.cc_addresses) as Address[],
    messageId: row.message_id,
    inReplyTo: JSON.parse(row.in_reply_to) as string[],
    references: JSON.parse(row.references) as string[],
  };
}
