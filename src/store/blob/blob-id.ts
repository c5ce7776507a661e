/**
 * Blob ids: the lower-case hex SHA-256 of the content.
 *
 * Implementation notes
 * - Ids arrive from the database and, indirectly, from clients (JMAP blobIds): every store validates
 *   them with `parseBlobId` before use, so an id can never name a path or an object outside the store.
 * - Only lower-case is accepted: one content, one spelling, one file.
 */
import { createHash } from 'node:crypto';

export type BlobId = string & { readonly __brand: 'BlobId' };

const BLOB_ID = /^[0-9a-f]{64}$/;

export class InvalidBlobIdError extends Error {
  readonly code = 'blob.invalid_id';
}

export class BlobNotFoundError extends Error {
  readonly code = 'blob.not_found';
}

export function isBlobId(value: unknown): value is BlobId {
  return typeof value === 'string' && BLOB_ID.test(value);
}

/** @throws InvalidBlobIdError unless `value` is exactly 64 lower-case hex digits. */
export function parseBlobId(value: unknown): BlobId {
  if (!isBlobId(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new InvalidBlobIdError(`invalid blob id ${shown}`);
  }
  return value;
}

/** The id `data` would have in any BlobStore. */
export function blobIdOf(data: Buffer): BlobId {
  return createHash('sha256').update(data).digest('hex') as BlobId;
}
