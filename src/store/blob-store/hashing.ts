import { createHash, type Hash } from 'node:crypto';
import { fdatasync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { BlobStoreError } from './errors.js';

export interface ByteCounter {
  bytes: number;
}

/**
 * Passes chunks through while hashing and counting them, so a blob is verified in the same
 * pass that writes it. Fails with SIZE_MISMATCH as soon as more than `maxBytes` arrive, so an
 * oversized upload is never written in full. A stream stage (not an async generator): piping
 * costs far less per chunk at HTTP chunk sizes.
 */
export class HashingStream extends Transform {
  readonly #hash: Hash;
  readonly #counter: ByteCounter;
  readonly #maxBytes: number | undefined;
  readonly #onBytes: ((total: number) => void) | undefined;

  constructor(
    hash: Hash,
    counter: ByteCounter,
    maxBytes?: number,
    onBytes?: (total: number) => void,
  ) {
    super({ highWaterMark: WRITE_BATCH });
    this.#hash = hash;
    this.#counter = counter;
    this.#maxBytes = maxBytes;
    this.#onBytes = onBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#counter.bytes += chunk.length;
    if (this.#maxBytes !== undefined && this.#counter.bytes > this.#maxBytes) {
      callback(
        new BlobStoreError(
          'SIZE_MISMATCH',
          `blob is larger than the declared ${this.#maxBytes} bytes`,
          { details: { expected: this.#maxBytes } },
        ),
      );
      return;
    }
    this.#hash.update(chunk);
    this.#onBytes?.(this.#counter.bytes);
    callback(null, chunk);
  }
}

const WRITE_BEHIND_STEP = 32 * 1024 * 1024;

/**
 * Write-behind for a large blob: every 32 MiB an fdatasync runs in the background (one at a
 * time), so the data reaches the disk while the rest is still arriving and the fsync that
 * publishing needs finds little left to do. Errors are ignored: the final fsync is the one that
 * counts.
 */
export function writeBehind(out: WriteStream): (total: number) => void {
  let synced = 0;
  let pending = false;
  let fd: number | undefined;
  out.once('open', (opened: number) => {
    fd = opened;
  });
  out.once('close', () => {
    fd = undefined;
  });
  return (total) => {
    if (pending || total - synced < WRITE_BEHIND_STEP || fd === undefined) return;
    pending = true;
    synced = total;
    fdatasync(fd, () => {
      pending = false;
    });
  };
}

/** Bytes buffered before the file stream writes: lets it batch many HTTP chunks into one writev. */
export const WRITE_BATCH = 4 * 1024 * 1024;

/** Hashes a file from disk (an upload whose in-memory hash state was lost to a restart). */
export async function hashFile(
  path: string,
  algorithm: 'sha256' | 'sha512',
): Promise<{ digest: string; size: number }> {
  const hash = createHash(algorithm);
  const handle = await open(path, 'r');
  let size = 0;
  try {
    for await (const chunk of handle.createReadStream({
      highWaterMark: 1 << 20,
      autoClose: false,
    })) {
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
export function checkExpectation(
  actual: { digest: string; size: number },
  expected: { digest?: string; size?: number },
): void {
  if (expected.size !== undefined && actual.size !== expected.size) {
    throw new BlobStoreError(
      'SIZE_MISMATCH',
      `blob size ${actual.size} does not match the declared ${expected.size} bytes`,
      {
        details: { expected: expected.size, actual: actual.size },
      },
    );
  }
  if (expected.digest !== undefined && actual.digest !== expected.digest) {
    throw new BlobStoreError(
      'DIGEST_MISMATCH',
      `content digest ${actual.digest} does not match ${expected.digest}`,
      {
        details: { expected: expected.digest, actual: actual.digest },
      },
    );
  }
}
