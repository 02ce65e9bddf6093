import { pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';
import type { BlobLayer } from '../image.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { DigestCounter, DigestTap } from './digest-tap.js';
import { peekStream } from './peek.js';
import { youngGarbageCollector } from './young-garbage.js';
import type { Compression } from '../media-types.js';

/** A layer blob opened for reading: its uncompressed tar bytes, and the taps that check it. */
export interface LayerStream {
  /** The uncompressed tar bytes; iterate once. */
  readonly tar: AsyncIterable<Buffer>;
  readonly compression: Compression;
  /** The first error of any stage (an ImageError from a tap, or a decompressor's error). */
  error(): unknown;
  /** Resolves once every stage has finished or failed. */
  readonly settled: Promise<void>;
  /** The blob digest and diff_id as computed, once the stream has ended (undefined: not hashed). */
  digests(): { blob: string | undefined; diffId: string | undefined };
  readonly rawBytes: () => number;
  readonly tarBytes: () => number;
  destroy(): void;
}

function algorithmOf(digest: string | undefined): 'sha256' | 'sha512' | undefined {
  return digest ? parseDigest(digest).algorithm : undefined;
}

/** Room for a few decompressed chunks, so the decompressor runs ahead of the tar reader. */
const DECOMPRESSED_BUFFER_BYTES = 1024 * 1024;

/**
 * Opens a layer blob as `raw -> hash+count -> decompress -> hash+count -> tar bytes`. The
 * compression is sniffed from the first bytes (media types lie). The uncompressed side stops at
 * `maxTarBytes` (a decompression bomb ends there); the raw side stops past the descriptor's size.
 *
 * The decompressed side is read, not piped: a piped stream hands each chunk on synchronously,
 * so Node's zlib would only start inflating the next chunk after this thread had hashed and
 * parsed the last one. Read from its buffer instead, it inflates on the thread pool while this
 * thread works (cold SBOM of a 95 MB gzip layer: 0.77 -> 0.69 s).
 */
export async function openLayerStream(
  layer: BlobLayer,
  limits: { maxTarBytes: number; oversize: () => ImageError; overlong: () => ImageError },
): Promise<LayerStream> {
  const raw = await layer.open();
  const blobAlgorithm = algorithmOf(layer.digest);
  // Every chunk on both sides is a fresh buffer: let them go young (see young-garbage.ts).
  const collect = youngGarbageCollector();
  const rawTap = new DigestTap(
    blobAlgorithm,
    layer.size ?? Number.POSITIVE_INFINITY,
    limits.overlong,
    collect,
  );
  raw.on('error', (error) => rawTap.destroy(error));
  const { head, stream } = await peekStream(raw.pipe(rawTap), 4);
  const compression = sniffCompression(head);
  const decompressor = createDecompressor(compression, DECOMPRESSED_BUFFER_BYTES);
  // An uncompressed blob's digest is its diff_id: hash it once.
  const diffIdAlgorithm = algorithmOf(layer.diffId);
  const sameHash =
    compression === 'none' && layer.diffId === layer.digest && diffIdAlgorithm !== undefined;
  const plain = new DigestCounter(
    sameHash ? undefined : diffIdAlgorithm,
    limits.maxTarBytes,
    limits.oversize,
    decompressor ? collect : undefined,
  );
  let firstError: unknown;
  const fail = (error: unknown) => {
    if (firstError === undefined) firstError = error;
  };
  const output: Readable = decompressor ?? stream;
  const settled = decompressor
    ? new Promise<void>((resolve) => {
        pipeline(stream, decompressor, (error) => {
          if (error) fail(error);
          resolve();
        });
      })
    : finished(stream).catch(fail);
  async function* tar(): AsyncGenerator<Buffer> {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      try {
        plain.add(chunk);
      } catch (error) {
        fail(error);
        output.destroy(error as Error);
        throw error;
      }
      yield chunk;
    }
  }
  return {
    tar: tar(),
    compression,
    error: () => firstError,
    settled,
    digests() {
      const blobHex = rawTap.digest();
      const blob =
        blobAlgorithm && blobHex !== undefined ? `${blobAlgorithm}:${blobHex}` : undefined;
      if (sameHash) return { blob, diffId: blob };
      const diffHex = plain.digest();
      return {
        blob,
        diffId:
          diffIdAlgorithm && diffHex !== undefined ? `${diffIdAlgorithm}:${diffHex}` : undefined,
      };
    },
    rawBytes: () => rawTap.bytes,
    tarBytes: () => plain.bytes,
    destroy() {
      decompressor?.destroy();
      stream.destroy();
      rawTap.destroy();
      raw.destroy();
    },
  };
}
