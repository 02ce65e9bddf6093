/**
 * Hashes a byte range of a file in a worker thread. The layer pass reads the same bytes on the
 * main thread to parse them; hashing them there too costs as much as the parsing (SHA-256 runs at
 * about 1 GB/s), so for a file-backed blob the worker re-reads the range (from the page cache)
 * and hashes it on another core. Inline CommonJS, so it runs from the sources and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
// KiB hashed so far, for progress displays (a shared counter: no message per megabyte).
const progress = new Int32Array(workerData.progress);
try {
  const hash = createHash(workerData.algorithm);
  const fd = openSync(workerData.path, 'r');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let position = workerData.offset;
  let left = workerData.size;
  try {
    while (left > 0) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, left), position);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      position += read;
      left -= read;
      Atomics.store(progress, 0, Math.floor((workerData.size - left) / 1024));
    }
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ hex: hash.digest('hex'), bytes: workerData.size - left });
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
`;

export interface FileRange {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
}

export interface RangeHash {
  /** The digest (hex) and byte count, once the whole range is hashed. */
  readonly result: Promise<{ hex: string; bytes: number }>;
  /** Bytes hashed so far (to the KiB). */
  hashed(): number;
}

/** The digest of a file range, computed off the main thread. */
export function hashFileRange(range: FileRange, algorithm: 'sha256' | 'sha512'): RangeHash {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  let finished: number | undefined;
  const result = hashInWorker(range, algorithm, progress.buffer).then((hashed) => {
    finished = hashed.bytes;
    return hashed;
  });
  return {
    result,
    hashed: () => finished ?? Math.min(range.size, Atomics.load(progress, 0) * 1024),
  };
}

async function hashInWorker(
  range: FileRange,
  algorithm: 'sha256' | 'sha512',
  progress: SharedArrayBuffer,
): Promise<{ hex: string; bytes: number }> {
  // Loaded here: a warm run, which reads no layer, never starts a thread.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...range, algorithm, progress },
    });
    worker.once('message', (message: { hex?: string; bytes?: number; error?: string }) => {
      void worker.terminate();
      if (message.hex !== undefined && message.bytes !== undefined)
        resolve({ hex: message.hex, bytes: message.bytes });
      else reject(new Error(message.error ?? 'hash worker failed'));
    });
    worker.once('error', reject);
  });
}
