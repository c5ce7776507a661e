/**
 * Which blobs an account may read, and their bytes: its own uploads, the messages it has, and the
 * parts of those (part blob ids, mail-objects.ts). Blobs are shared between accounts (single
 * instance), so knowing a blob id proves nothing: ownership is always checked here.
 */
import type { CoreContext } from '../../../core/context.js';
import { bodyDescriptions, readMessageBytes } from '../../../core/mail/index.js';
import { decodeBody, findPart } from '../../../lib/mime/index.js';
import { isBlobId } from '../../../store/blob/index.js';
import { type Account, accountHasBlob, findUploads } from '../../../store/sql/index.js';
import { parsePartBlobId } from './mail-objects.js';

export interface AccountBlob {
  bytes: Buffer;
  /** The media type given at upload; null for a message or a part (the caller knows it). */
  type: string | null;
}

/** The bytes of a blob the account may read, or null (unknown, or not the account's). */
export async function readAccountBlob(
  ctx: CoreContext,
  account: Account,
  blobId: string,
): Promise<AccountBlob | null> {
  const part = parsePartBlobId(blobId);
  const messageBlobId = part?.messageBlobId ?? blobId;
  if (!isBlobId(messageBlobId)) return null;
  if (!part) {
    const [upload] = await findUploads(ctx.db, account.id, [blobId]);
    if (upload) return { bytes: await readMessageBytes(ctx, blobId), type: upload.type };
  }
  if (!(await accountHasBlob(ctx.db, account.id, messageBlobId))) return null;
  const bytes = await readMessageBytes(ctx, messageBlobId);
  if (!part) return { bytes, type: null };
  // A part: decoded from the message by its stored structure.
  const described = await bodyDescriptions(ctx, [messageBlobId], { envelope: false, structure: true });
  const root = described.get(messageBlobId)?.root;
  const found = root ? findPart(root, part.partId) : null;
  return found ? { bytes: decodeBody(bytes, found), type: null } : null;
}
