/**
 * BlobStore on a local filesystem, content-addressed: `root/ab/cd/<sha256>`.
 *
 * Implementation notes
 * - Durability before acknowledgement: the content is streamed into `root/tmp/` while hashing, the file
 *   is fsynced, renamed into place, and the destination directory fsynced (plus each fan-out directory
 *   created on the way, in its parent), so once `put` resolves the blob survives a power cut.
 * - Single instance: when the final file already exists the temporary copy is discarded. Two concurrent
 *   puts of the same bytes may both rename; rename is atomic and both files hold identical bytes.
 * - Readers never see partial content: a file appears under its id only by rename, after fsync.
 * - A failed put (source stream error, disk full) removes its temporary file. A crash mid-put can still
 *   leave one in `root/tmp/`: never referenced, safe to delete when older than any running put.
 *   TODO(store): sweep stale temporary files at start.
 * - Ids are validated before any path is built: nothing outside `root` can be named.
 * - The two-level fan-out (65,536 directories) keeps directories small with tens of millions of blobs.
 * - Directories known to exist are remembered, so a put makes no mkdir calls once the fan-out is
 *   warm (each call through libuv's thread pool costs tens of microseconds on the delivery path).
 *   Any failed put forgets them, in case one was removed behind our back.
 * - No module-level state: each store holds only its root and that set of directories.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { type BlobId, BlobNotFoundError, parseBlobId } from './blob-id.js';
import type { BlobStore } from './index.js';

/** Blobs are private mail: readable by the service account only. */
const BLOB_FILE_MODE = 0o600;
const BLOB_DIR_MODE = 0o700;

export function createFsBlobStore(rootDir: string): BlobStore {
  const root = resolve(rootDir);
  const tmpDir = join(root, 'tmp');
  const knownDirectories = new Set<string>();

  async function ensureKnownDirectory(path: string, create: (path: string) => Promise<void>) {
    if (knownDirectories.has(path)) return;
    await create(path);
    knownDirectories.add(path);
  }

  function pathOf(id: BlobId): string {
    return join(root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async function put(data: Buffer | Readable): Promise<{ id: BlobId; size: number }> {
    await ensureKnownDirectory(tmpDir, async (path) => {
      await mkdir(path, { recursive: true, mode: BLOB_DIR_MODE });
    });
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const handle = await open(tmpPath, 'wx', BLOB_FILE_MODE).catch((err: unknown) => {
      knownDirectories.clear();
      throw err;
    });
    try {
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of chunksOf(data)) {
          hash.update(chunk);
          await writeAll(handle, chunk);
          size += chunk.length;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const id = hash.digest('hex') as BlobId;
      const finalPath = pathOf(id);
      await ensureKnownDirectory(dirname(dirname(finalPath)), ensureDirectory);
      await ensureKnownDirectory(dirname(finalPath), ensureDirectory);
      if (await exists(finalPath)) {
        await unlink(tmpPath);
      } else {
        await rename(tmpPath, finalPath);
        await fsyncDirectory(dirname(finalPath));
      }
      return { id, size };
    } catch (err) {
      knownDirectories.clear();
      await rm(tmpPath, { force: true });
      throw err;
    }
  }

  async function get(id: BlobId): Promise<Readable> {
    const path = pathOf(parseBlobId(id));
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw notFoundOr(err, id);
    }
    return handle.createReadStream();
  }

  async function has(id: BlobId): Promise<boolean> {
    return exists(pathOf(parseBlobId(id)));
  }

  async function size(id: BlobId): Promise<number> {
    const path = pathOf(parseBlobId(id));
    try {
      return (await stat(path)).size;
    } catch (err) {
      throw notFoundOr(err, id);
    }
  }

  async function remove(id: BlobId): Promise<void> {
    const path = pathOf(parseBlobId(id));
    // Not fsynced: a blob resurrected by a crash is unreferenced garbage, collected again later.
    await rm(path, { force: true });
  }

  return { put, get, has, size, delete: remove };
}

async function* chunksOf(data: Buffer | Readable): AsyncIterable<Buffer> {
  if (Buffer.isBuffer(data)) {
    yield data;
    return;
  }
  for await (const chunk of data as AsyncIterable<unknown>) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else throw new TypeError('blob streams must yield bytes or strings, not objects');
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Creates `path` if missing and, when created, makes its entry durable in the parent directory. */
async function ensureDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { mode: BLOB_DIR_MODE });
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return;
    throw err;
  }
  await fsyncDirectory(dirname(path));
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

function notFoundOr(err: unknown, id: BlobId): unknown {
  return errorCode(err) === 'ENOENT' ? new BlobNotFoundError(`blob ${id} not found`, { cause: err }) : err;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}
