import { pipeline, type Readable, type Transform } from 'node:stream';
import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';
import type { BlobLayer } from '../image.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { DigestTap } from './digest-tap.js';
import { peekStream } from './peek.js';
import type { Compression } from '../media-types.js';
import { hashFileRange } from './hash-file-range.js';

/**
 * Below this a worker thread costs more (start-up, its own heap: about 12 MB of RSS) than it
 * saves: a single layer of a few hundred MB reads at the speed of I/O either way. Past it (and
 * with several large layers read at once) hashing in parallel wins seconds.
 */
export const OFFLOAD_MIN_BYTES = 512 * 1024 * 1024;

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
  limits: {
    maxTarBytes: number;
    oversize: () => ImageError;
    overlong: () => ImageError;
    /** Hash file-backed blobs at least this large in a worker thread (tests lower it). */
    offloadMinBytes?: number | undefined;
  },
): Promise<LayerStream> {
  const raw = await layer.open();
  const blobAlgorithm = algorithmOf(layer.digest);
  const diffIdAlgorithm = algorithmOf(layer.diffId);
  // A large blob in a local file is hashed by a worker thread re-reading it, in parallel with the
  // parse here. Its raw hash serves as the blob digest and, when the layer is uncompressed, as
  // the diff_id too (classic `docker save` layers have only a diff_id).
  const rawAlgorithm = blobAlgorithm ?? diffIdAlgorithm;
  const offloaded =
    layer.file !== undefined &&
    layer.file.size >= (limits.offloadMinBytes ?? OFFLOAD_MIN_BYTES) &&
    rawAlgorithm !== undefined
      ? hashFileRange(layer.file, rawAlgorithm).then(
          (result) => ({ ...result, algorithm: rawAlgorithm }),
          (error: unknown) => ({ error }),
        )
      : undefined;
  const rawTap = new DigestTap(
    offloaded ? undefined : blobAlgorithm,
    layer.size ?? Number.POSITIVE_INFINITY,
    limits.overlong,
  );
  raw.on('error', (error) => rawTap.destroy(error));
  const { head, stream } = await peekStream(raw.pipe(rawTap), 4);
  const compression = sniffCompression(head);
  const decompressor = createDecompressor(compression);
  // An uncompressed blob's digest is its diff_id: hash it once.
  const sameHash =
    !offloaded &&
    compression === 'none' &&
    layer.diffId === layer.digest &&
    diffIdAlgorithm !== undefined;
  const offloadCoversDiffId =
    offloaded !== undefined && compression === 'none' && rawAlgorithm === diffIdAlgorithm;
  const plainTap = new DigestTap(
    sameHash || offloadCoversDiffId ? undefined : diffIdAlgorithm,
    limits.maxTarBytes,
    limits.oversize,
  );
  const stages: (Readable | Transform)[] = decompressor
    ? [stream, decompressor, plainTap]
    : [stream, plainTap];
  let firstError: unknown;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let offloadedHex: string | undefined;
  pipeline(stages, (error) => {
    if (error && firstError === undefined) firstError = error;
    if (!offloaded || error) {
      settle();
      return;
    }
    void offloaded.then((result) => {
      if ('error' in result) firstError ??= result.error;
      else offloadedHex = `${result.algorithm}:${result.hex}`;
      settle();
    });
  });
  return {
    tar: plainTap,
    compression,
    error: () => firstError,
    settled,
    digests() {
      const blobHex = rawTap.digest();
      const blob = offloaded
        ? layer.digest
          ? offloadedHex
          : undefined
        : blobAlgorithm && blobHex !== undefined
          ? `${blobAlgorithm}:${blobHex}`
          : undefined;
      if (offloadCoversDiffId) return { blob, diffId: offloadedHex };
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
