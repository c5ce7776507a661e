/**
 * Blob storage: immutable, content-addressed bytes (messages, attachments, imports).
 *
 * Implementation notes
 * - The id is the SHA-256 of the content, so storing the same message for 3,000 recipients stores it
 *   once (single-instance storage); reference counting lives with the metadata, not here.
 * - `put` resolves only once the bytes are durable: delivery acknowledges (250, APPEND OK) after it.
 * - The interface knows no paths, directories or buckets, so an S3 implementation can follow; the
 *   composition root chooses the implementation (core imports this file only).
 * - Every method validates the id first and throws InvalidBlobIdError (`blob.invalid_id`) on a bad one.
 */
import type { Readable } from 'node:stream';
import type { BlobId } from './blob-id.js';

export {
  type BlobId,
  BlobNotFoundError,
  blobIdOf,
  InvalidBlobIdError,
  isBlobId,
  parseBlobId,
} from './blob-id.js';

export interface BlobStore {
  /** Stores the bytes durably. Storing existing content is a no-op returning the same id. */
  put(data: Buffer | Readable): Promise<{ id: BlobId; size: number }>;
  /** Streams the content. @throws BlobNotFoundError (`blob.not_found`) when absent. */
  get(id: BlobId): Promise<Readable>;
  has(id: BlobId): Promise<boolean>;
  /** Size in bytes. @throws BlobNotFoundError when absent. */
  size(id: BlobId): Promise<number>;
  /** Removes the blob; removing an absent blob is not an error (idempotent garbage collection). */
  delete(id: BlobId): Promise<void>;
}
