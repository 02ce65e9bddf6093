import { pipeline, type Readable, type Transform } from 'node:stream';
import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';
import type { BlobLayer } from '../image.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { DigestTap } from './digest-tap.js';
import { peekStream } from './peek.js';
import { youngGarbageCollector } from './young-garbage.js';
import type { Compression } from '../media-types.js';

/** A layer blob opened for reading: its uncompressed tar bytes, and the taps that check it. */
export interface LayerStream {
  readonly tar: Readable;
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

/**
 * Opens a layer blob as `raw -> hash+count -> decompress -> hash+count -> tar bytes`. The
 * compression is sniffed from the first bytes (media types lie). The uncompressed side stops at
 * `maxTarBytes` (a decompression bomb ends there); the raw side stops past the descriptor's size.
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
  const decompressor = createDecompressor(compression);
  // An uncompressed blob's digest is its diff_id: hash it once.
  const diffIdAlgorithm = algorithmOf(layer.diffId);
  const sameHash =
    compression === 'none' && layer.diffId === layer.digest && diffIdAlgorithm !== undefined;
  const plainTap = new DigestTap(
    sameHash ? undefined : diffIdAlgorithm,
    limits.maxTarBytes,
    limits.oversize,
    decompressor ? collect : undefined,
  );
  const stages: (Readable | Transform)[] = decompressor
    ? [stream, decompressor, plainTap]
    : [stream, plainTap];
  let firstError: unknown;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  pipeline(stages, (error) => {
    if (error && firstError === undefined) firstError = error;
    settle();
  });
  return {
    tar: plainTap,
    compression,
    error: () => firstError,
    settled,
    digests() {
      const blobHex = rawTap.digest();
      const blob =
        blobAlgorithm && blobHex !== undefined ? `${blobAlgorithm}:${blobHex}` : undefined;
      if (sameHash) return { blob, diffId: blob };
      const diffHex = plainTap.digest();
      return {
        blob,
        diffId:
          diffIdAlgorithm && diffHex !== undefined ? `${diffIdAlgorithm}:${diffHex}` : undefined,
      };
    },
    rawBytes: () => rawTap.bytes,
    tarBytes: () => plainTap.bytes,
    destroy() {
      for (const stage of stages) stage.destroy();
      rawTap.destroy();
      raw.destroy();
    },
  };
}
