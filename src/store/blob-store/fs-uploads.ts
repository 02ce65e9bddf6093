import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseDigest } from '../../oci/index.js';
import type { BlobInfo, BlobUploads, PutExpectation, UploadState } from './blob-store.js';
import { syncFile } from './durable-fs.js';
import { BlobStoreError } from './errors.js';
import {
  checkExpectation,
  hashFile,
  HashingStream,
  WRITE_BATCH,
  writeBehind,
  type ByteCounter,
} from './hashing.js';
import { isNotFound, uploadPath } from './paths.js';

/** The running sha256 of an upload, valid while `size` equals the file's size. */
interface HashState {
  hash: Hash;
  size: number;
}

type Publish = (tempPath: string, digest: string) => Promise<void>;

/**
 * Resumable uploads as files under `root/uploads/<uuid>`. The sha256 is carried across chunks in
 * memory (so committing a 2 GB upload does not read it again); after a restart it is recomputed
 * from the file. Operations on one upload are serialised, so two racing PATCHes cannot interleave.
 */
export async function createFsUploads(root: string, publish: Publish): Promise<BlobUploads> {
  await mkdir(join(root, 'uploads'), { recursive: true, mode: 0o700 });
  const hashes = new Map<string, HashState>();
  // The size after the last completed chunk: while a chunk is in flight (or being rolled back
  // after the client vanished) the file holds more, but the upload does not.
  const completed = new Map<string, number>();
  const locks = new Map<string, Promise<unknown>>();

  function serialised<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    locks.set(id, settled);
    void settled.then(() => {
      if (locks.get(id) === settled) locks.delete(id);
    });
    return next;
  }

  function pathOf(id: string): string {
    const path = uploadPath(root, id);
    if (!path) throw new BlobStoreError('UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is unknown`);
    return path;
  }

  async function state(id: string): Promise<UploadState | undefined> {
    const path = uploadPath(root, id);
    if (!path) return undefined;
    try {
      const info = await stat(path);
      return { id, size: completed.get(id) ?? info.size, modifiedAt: info.mtimeMs };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async function requireState(id: string): Promise<UploadState> {
    const current = await state(id);
    if (!current)
      throw new BlobStoreError('UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is unknown`);
    return current;
  }

  async function create(): Promise<UploadState> {
    const id = randomUUID();
    const handle = await open(pathOf(id), 'wx', 0o600);
    await handle.close();
    hashes.set(id, { hash: createHash('sha256'), size: 0 });
    completed.set(id, 0);
    return { id, size: 0, modifiedAt: Date.now() };
  }

  function append(
    id: string,
    offset: number,
    source: AsyncIterable<Uint8Array>,
    length?: number,
  ): Promise<UploadState> {
    return serialised(id, async () => {
      const current = await requireState(id);
      if (offset !== current.size) {
        throw new BlobStoreError(
          'UPLOAD_OFFSET',
          `chunk starts at ${offset} but upload ${id} holds ${current.size} bytes`,
          {
            details: { size: current.size, offset },
          },
        );
      }
      const running = hashes.get(id);
      const usable = running && running.size === current.size ? running : undefined;
      // Hash a copy, so a chunk that fails half-way leaves the checkpoint intact.
      const hash = usable ? usable.hash.copy() : createHash('sha256');
      const counter: ByteCounter = { bytes: 0 };
      try {
        const out = createWriteStream(pathOf(id), {
          flags: 'r+',
          start: offset,
          highWaterMark: WRITE_BATCH,
        });
        await pipeline(source, new HashingStream(hash, counter, length, writeBehind(out)), out);
        if (length !== undefined && counter.bytes !== length) {
          throw new BlobStoreError(
            'SIZE_MISMATCH',
            `chunk of upload ${id} ended after ${counter.bytes} of ${length} bytes`,
            { details: { expected: length, actual: counter.bytes } },
          );
        }
      } catch (error) {
        await truncate(pathOf(id), offset).catch(() => undefined);
        throw error;
      }
      const size = offset + counter.bytes;
      completed.set(id, size);
      if (usable) hashes.set(id, { hash, size });
      else hashes.delete(id);
      return { id, size, modifiedAt: Date.now() };
    });
  }

  function commit(
    id: string,
    expected: PutExpectation & { readonly digest: string },
  ): Promise<BlobInfo> {
    return serialised(id, async () => {
      const current = await requireState(id);
      const algorithm = parseDigest(expected.digest).algorithm;
      let running = hashes.get(id);
      // Bytes past the last completed chunk (a rollback that itself failed) never get published.
      if ((await stat(pathOf(id))).size !== current.size) {
        await truncate(pathOf(id), current.size);
        running = undefined;
      }
      const actual =
        running && running.size === current.size && algorithm === 'sha256'
          ? { digest: `sha256:${running.hash.digest('hex')}`, size: current.size }
          : await hashFile(pathOf(id), algorithm);
      hashes.delete(id);
      completed.delete(id);
      try {
        checkExpectation(actual, expected);
      } catch (error) {
        // A rejected upload is over (the spec: the client starts again), so its data goes now.
        await unlink(pathOf(id)).catch(() => undefined);
        throw error;
      }
      await syncFile(pathOf(id));
      await publish(pathOf(id), actual.digest);
      return { digest: actual.digest, size: actual.size, modifiedAt: Date.now() };
    });
  }

  function abort(id: string): Promise<boolean> {
    return serialised(id, async () => {
      hashes.delete(id);
      completed.delete(id);
      const path = uploadPath(root, id);
      if (!path) return false;
      try {
        await unlink(path);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  async function* list(): AsyncGenerator<UploadState> {
    for (const name of await readdir(join(root, 'uploads')).catch(() => [] as string[])) {
      const current = await state(name);
      if (current) yield current;
    }
  }

  return { create, state, append, commit, abort, list };
}
