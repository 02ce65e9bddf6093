import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../blob-store.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function digestOf(data: Buffer, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** A stream of `data` in chunks of `size`, the way an HTTP body arrives. */
function chunked(data: Buffer, size = 7): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size)
    chunks.push(data.subarray(offset, offset + size));
  return Readable.from(chunks);
}

async function read(
  store: BlobStore,
  digest: string,
  range?: { start: number; end: number },
): Promise<Buffer> {
  const stream = await store.get(digest, range);
  if (!stream) throw new Error(`blob ${digest} is missing`);
  return readAll(stream);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * The contract every BlobStore passes: verified, content-addressed, atomic puts; ranged reads;
 * idempotent and concurrent puts of the same content; delete and list. `makeStore` returns a
 * fresh, empty store for each case.
 */
export function runBlobStoreContract(name: string, makeStore: () => Promise<BlobStore>): void {
  describe(`blob store contract: ${name}`, () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(50));
    const digest = digestOf(data);

    it('stores a stream under its sha256 and reads it back whole and by range', async () => {
      const store = await makeStore();
      const info = await store.put(chunked(data), { digest, size: data.length });
      expect(info).toMatchObject({ digest, size: data.length });
      expect(await store.stat(digest)).toMatchObject({ digest, size: data.length });
      expect(await read(store, digest)).toEqual(data);
      expect(await read(store, digest, { start: 4, end: 8 })).toEqual(data.subarray(4, 9));
    });

    it('computes the digest when none is promised, and supports sha512', async () => {
      const store = await makeStore();
      expect((await store.put(chunked(data))).digest).toBe(digest);
      const sha512 = digestOf(data, 'sha512');
      expect((await store.put(chunked(data), { digest: sha512 })).digest).toBe(sha512);
      expect((await store.stat(sha512))?.size).toBe(data.length);
    });

    it('refuses a digest mismatch and leaves nothing visible', async () => {
      const store = await makeStore();
      const other = digestOf(Buffer.from('something else'));
      await expect(store.put(chunked(data), { digest: other })).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
      expect(await store.stat(other)).toBeUndefined();
      expect(await store.stat(digest)).toBeUndefined();
      expect(await collect(store.list())).toEqual([]);
    });

    it('refuses content shorter or longer than the declared size', async () => {
      const store = await makeStore();
      await expect(
        store.put(chunked(data), { digest, size: data.length + 1 }),
      ).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
      await expect(
        store.put(chunked(data), { digest, size: data.length - 1 }),
      ).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
      expect(await store.stat(digest)).toBeUndefined();
    });

    it('leaves nothing visible when the source fails half-way (a dropped connection)', async () => {
      const store = await makeStore();
      async function* broken(): AsyncGenerator<Buffer> {
        yield await Promise.resolve(data.subarray(0, 10));
        throw new Error('connection reset');
      }
      await expect(store.put(broken(), { digest })).rejects.toThrow('connection reset');
      expect(await store.stat(digest)).toBeUndefined();
      expect(await collect(store.list())).toEqual([]);
    });

    it('refuses invalid digests with DIGEST_INVALID, including path traversal', async () => {
      const store = await makeStore();
      for (const bad of [
        'sha256:../../etc/passwd',
        'md5:d41d8cd98f00b204e9800998ecf8427e',
        'sha256:ABC',
      ]) {
        await expect(store.put(chunked(data), { digest: bad })).rejects.toMatchObject({
          code: 'DIGEST_INVALID',
        });
      }
    });

    it('stores the same content once when put twice, also concurrently', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.put(chunked(data, 3), { digest })),
      );
      expect(new Set(results.map((result) => result.digest))).toEqual(new Set([digest]));
      expect((await collect(store.list())).map((info) => info.digest)).toEqual([digest]);
      expect(await read(store, digest)).toEqual(data);
    });

    it('stores an empty blob', async () => {
      const store = await makeStore();
      const empty = digestOf(Buffer.alloc(0));
      expect(await store.put(chunked(Buffer.alloc(0)), { digest: empty, size: 0 })).toMatchObject({
        digest: empty,
        size: 0,
      });
      expect(await read(store, empty)).toEqual(Buffer.alloc(0));
    });

    it('deletes a blob and reports a missing one', async () => {
      const store = await makeStore();
      await store.put(chunked(data));
      expect(await store.delete(digest)).toBe(true);
      expect(await store.delete(digest)).toBe(false);
      expect(await store.stat(digest)).toBeUndefined();
      expect(await store.get(digest)).toBeUndefined();
    });

    it('deletes with `writtenBefore` only a blob last written before that time', async () => {
      const store = await makeStore();
      const info = await store.put(chunked(data));
      expect(await store.delete(digest, { writtenBefore: info.modifiedAt - 60_000 })).toBe(false);
      expect(await read(store, digest)).toEqual(data);
      expect(await store.delete(digest, { writtenBefore: Date.now() + 60_000 })).toBe(true);
      expect(await store.stat(digest)).toBeUndefined();
      expect(await store.delete(digest, { writtenBefore: Date.now() + 60_000 })).toBe(false);
    });

    it('lists every stored blob with its size', async () => {
      const store = await makeStore();
      const blobs = [Buffer.from('a'), Buffer.from('bb'), Buffer.from('ccc')];
      for (const blob of blobs) await store.put(chunked(blob));
      const listed = await collect(store.list());
      expect(listed.map((info) => [info.digest, info.size]).sort()).toEqual(
        blobs.map((blob) => [digestOf(blob), blob.length]).sort(),
      );
    });

    it('streams a large blob through without holding it (4 MiB in 64 KiB chunks)', async () => {
      const store = await makeStore();
      const big = Buffer.alloc(4 << 20, 7);
      const info = await store.put(chunked(big, 64 << 10), { digest: digestOf(big) });
      expect(info.size).toBe(big.length);
      expect(digestOf(await read(store, info.digest))).toBe(info.digest);
    });
  });
}
