import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsBlobStore } from './fs-blob-store.js';
import { type BlobId, type BlobStore, isBlobId } from './index.js';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('createFsBlobStore', () => {
  let root: string;
  let store: BlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'facteur-blob-'));
    store = createFsBlobStore(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('recovers when a directory it created is removed behind its back', async () => {
    const first = await store.put(Buffer.from('premier message'));
    await rm(join(root, first.id.slice(0, 2)), { recursive: true });
    await rm(join(root, 'tmp'), { recursive: true });
    // The store remembered those directories; a failure makes it forget them, so a retry works.
    const again = Buffer.from('premier message');
    const retried = await store.put(again).catch(() => store.put(again));
    expect(retried.id).toBe(first.id);
    expect(await buffer(await store.get(first.id))).toEqual(again);
  });

  it('stores a buffer under its SHA-256 and streams it back', async () => {
    const data = Buffer.from('Subject: Réunion\r\n\r\nBonjour\r\n', 'utf8');
    const { id, size } = await store.put(data);
    expect(id).toBe(sha256(data));
    expect(size).toBe(data.length);
    expect(await buffer(await store.get(id))).toEqual(data);
    expect(await store.has(id)).toBe(true);
    expect(await store.size(id)).toBe(data.length);
  });

  it('lays blobs out as root/ab/cd/<sha256>', async () => {
    const data = Buffer.from('layout');
    const { id } = await store.put(data);
    const path = join(root, id.slice(0, 2), id.slice(2, 4), id);
    expect(await readFile(path)).toEqual(data);
  });

  it('stores the same content twice as one file with one id', async () => {
    const data = Buffer.from('identical message for 3000 recipients');
    const first = await store.put(data);
    const second = await store.put(Readable.from([data.subarray(0, 5), data.subarray(5)]));
    expect(second).toEqual(first);
    const files = await listFiles(root);
    expect(files).toEqual([join(root, first.id.slice(0, 2), first.id.slice(2, 4), first.id)]);
  });

  it('stores the same content put concurrently as one file', async () => {
    const data = randomBytes(64 * 1024);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(data)));
    expect(new Set(results.map((result) => result.id))).toEqual(new Set([sha256(data)]));
    expect(await listFiles(root)).toHaveLength(1);
  });

  it('streams a 5 MB input in chunks and reads it back intact', async () => {
    const chunks = Array.from({ length: 80 }, () => randomBytes(64 * 1024));
    const whole = Buffer.concat(chunks);
    expect(whole.length).toBe(5 * 1024 * 1024);
    const { id, size } = await store.put(Readable.from(chunks));
    expect(id).toBe(sha256(whole));
    expect(size).toBe(5 * 1024 * 1024);
    const back = await buffer(await store.get(id));
    expect(back.equals(whole)).toBe(true);
  });

  it('stores an empty blob', async () => {
    const { id, size } = await store.put(Buffer.alloc(0));
    expect(id).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(size).toBe(0);
    expect((await buffer(await store.get(id))).length).toBe(0);
  });

  it('leaves no temporary file behind after a put', async () => {
    await store.put(Buffer.from('one'));
    await store.put(Readable.from([Buffer.from('two')]));
    await store.put(Buffer.from('one'));
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('removes the temporary file and stores nothing when the source stream fails', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('partial content');
      throw new Error('connection reset');
    }
    await expect(store.put(Readable.from(failing()))).rejects.toThrow('connection reset');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await listFiles(root)).toEqual([]);
  });

  it('refuses a stream of objects and cleans up', async () => {
    await expect(store.put(Readable.from([{ not: 'bytes' }]))).rejects.toThrow(TypeError);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('reports a missing blob with code blob.not_found from get and size', async () => {
    const absent = sha256(Buffer.from('never stored')) as BlobId;
    await expect(store.get(absent)).rejects.toMatchObject({ code: 'blob.not_found' });
    await expect(store.size(absent)).rejects.toMatchObject({ code: 'blob.not_found' });
    expect(await store.has(absent)).toBe(false);
  });

  it('deletes a blob, and deleting it again is not an error', async () => {
    const { id } = await store.put(Buffer.from('to delete'));
    await store.delete(id);
    expect(await store.has(id)).toBe(false);
    await expect(store.delete(id)).resolves.toBeUndefined();
    await expect(store.get(id)).rejects.toMatchObject({ code: 'blob.not_found' });
  });

  it('rejects ids that are not 64 lower-case hex digits without touching the filesystem', async () => {
    const missingRoot = join(root, 'never-created');
    const untouched = createFsBlobStore(missingRoot);
    const hexish = fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEF./\\\0'.split('')),
      minLength: 0,
      maxLength: 70,
    });
    const nearMisses = fc
      .tuple(fc.stringMatching(/^[0-9a-f]{64}$/), fc.nat(63), fc.constantFrom('G', 'A', '/', '.', '', 'aa'))
      .map(([id, at, replacement]) => id.slice(0, at) + replacement + id.slice(at + 1));
    const candidates = fc.oneof(fc.string(), hexish, nearMisses, fc.constant('../../../../etc/passwd'));
    await fc.assert(
      fc.asyncProperty(
        candidates.filter((value) => !isBlobId(value)),
        async (value) => {
          const id = value as BlobId;
          for (const call of [
            () => untouched.get(id),
            () => untouched.has(id),
            () => untouched.size(id),
            () => untouched.delete(id),
          ]) {
            await expect(call()).rejects.toMatchObject({ code: 'blob.invalid_id' });
          }
          expect(existsSync(missingRoot)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
