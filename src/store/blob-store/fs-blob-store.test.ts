import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { openFsBlobStore } from './fs-blob-store.js';
import { runBlobStoreContract } from './testing/blob-store-contract.js';

const base = useTempDir('lockyard-blobs-');

runBlobStoreContract('file system', async () => openFsBlobStore(await mkdtemp(join(base, 's-'))));

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function once(data: Buffer): Readable {
  return Readable.from([data]);
}

describe('file system uploads', () => {
  it('assembles in-order chunks, verifies them and publishes one blob', async () => {
    const store = await openFsBlobStore(await mkdtemp(join(base, 'u-')));
    const data = Buffer.from('0123456789abcdef');
    const upload = await store.uploads.create();
    expect((await store.uploads.append(upload.id, 0, once(data.subarray(0, 6)))).size).toBe(6);
    await expect(store.uploads.append(upload.id, 3, once(data.subarray(3)))).rejects.toMatchObject({
      code: 'UPLOAD_OFFSET',
    });
    expect((await store.uploads.state(upload.id))?.size).toBe(6);
    await store.uploads.append(upload.id, 6, once(data.subarray(6)));
    const info = await store.uploads.commit(upload.id, {
      digest: digestOf(data),
      size: data.length,
    });
    expect(info.digest).toBe(digestOf(data));
    expect(await store.uploads.state(upload.id)).toBeUndefined();
    expect((await store.stat(info.digest))?.size).toBe(16);
    expect(await readdir(join(store.root, 'tmp'))).toEqual([]);
  });

  it('recomputes the digest after a restart and refuses a mismatch, discarding the upload', async () => {
    const root = await mkdtemp(join(base, 'r-'));
    const first = await openFsBlobStore(root);
    const upload = await first.uploads.create();
    await first.uploads.append(upload.id, 0, once(Buffer.from('hello')));
    const second = await openFsBlobStore(root);
    expect((await second.uploads.state(upload.id))?.size).toBe(5);
    await expect(
      second.uploads.commit(upload.id, { digest: digestOf(Buffer.from('hellO')) }),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await second.uploads.state(upload.id)).toBeUndefined();
    expect(await second.stat(digestOf(Buffer.from('hello')))).toBeUndefined();
  });

  it('truncates a chunk that failed half-way, so the client can resume at the last good offset', async () => {
    const store = await openFsBlobStore(await mkdtemp(join(base, 't-')));
    const upload = await store.uploads.create();
    await store.uploads.append(upload.id, 0, once(Buffer.from('abc')));
    async function* broken(): AsyncGenerator<Buffer> {
      yield await Promise.resolve(Buffer.from('def'));
      throw new Error('reset');
    }
    await expect(store.uploads.append(upload.id, 3, broken())).rejects.toThrow('reset');
    expect((await store.uploads.state(upload.id))?.size).toBe(3);
    await store.uploads.append(upload.id, 3, once(Buffer.from('def')));
    expect(
      (await store.uploads.commit(upload.id, { digest: digestOf(Buffer.from('abcdef')) })).size,
    ).toBe(6);
  });

  it('reports the last completed size while a chunk is still arriving', async () => {
    const store = await openFsBlobStore(await mkdtemp(join(base, 'f-')));
    const upload = await store.uploads.create();
    await store.uploads.append(upload.id, 0, once(Buffer.from('abc')));
    let fail: (error: Error) => void = () => undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.from('defghij');
      await stalled;
    }
    const inFlight = store.uploads.append(upload.id, 3, slow());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.uploads.state(upload.id))?.size).toBe(3);
    fail(new Error('client vanished'));
    await expect(inFlight).rejects.toThrow('client vanished');
    expect((await store.uploads.state(upload.id))?.size).toBe(3);
    expect(
      (await store.uploads.commit(upload.id, { digest: digestOf(Buffer.from('abc')) })).size,
    ).toBe(3);
  });

  it('treats ids that are not ours as unknown, never as paths', async () => {
    const store = await openFsBlobStore(await mkdtemp(join(base, 'x-')));
    expect(await store.uploads.state('../../etc/passwd')).toBeUndefined();
    await expect(store.uploads.append('../x', 0, once(Buffer.from('a')))).rejects.toMatchObject({
      code: 'UPLOAD_UNKNOWN',
    });
    expect(await store.uploads.abort('nope')).toBe(false);
  });
});
