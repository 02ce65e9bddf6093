import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BlobStoreError } from './errors.js';

export interface ByteCounter {
  bytes: number;
}

/**
 * Passes chunks through while hashing and counting them, so a blob is verified in the same
 * pass that writes it. Stops with SIZE_MISMATCH as soon as more than `maxBytes` arrive, so an
 * oversized upload is never written in full.
 */
export async function* hashing(
  source: AsyncIterable<Uint8Array>,
  hash: Hash,
  counter: ByteCounter,
  maxBytes?: number,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    counter.bytes += chunk.length;
    if (maxBytes !== undefined && counter.bytes > maxBytes) {
      throw new BlobStoreError('SIZE_MISMATCH', `blob is larger than the declared ${maxBytes} bytes`, { details: { expected: maxBytes } });
    }
    hash.update(chunk);
    yield chunk;
  }
}

/** Hashes a file from disk (an upload whose in-memory hash state was lost to a restart). */
export async function hashFile(path: string, algorithm: 'sha256' | 'sha512'): Promise<{ digest: string; size: number }> {
  const hash = createHash(algorithm);
  const handle = await open(path, 'r');
  let size = 0;
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      hash.update(bytes);
    }
  } finally {
    await handle.close();
  }
  return { digest: `${algorithm}:${hash.digest('hex')}`, size };
}

/** Checks a computed digest and size against what the writer promised. */
export function checkExpectation(actual: { digest: string; size: number }, expected: { digest?: string; size?: number }): void {
  if (expected.size !== undefined && actual.size !== expected.size) {
    throw new BlobStoreError('SIZE_MISMATCH', `blob size ${actual.size} does not match the declared ${expected.size} bytes`, {
      details: { expected: expected.size, actual: actual.size },
    });
  }
  if (expected.digest !== undefined && actual.digest !== expected.digest) {
    throw new BlobStoreError('DIGEST_MISMATCH', `content digest ${actual.digest} does not match ${expected.digest}`, {
      details: { expected: expected.digest, actual: actual.digest },
    });
  }
}
