import { open, type FileHandle } from 'node:fs/promises';
import { parseDigest } from '../digest.js';
import type { ImageError } from '../errors.js';
import type { BlobLayer } from '../image.js';
import type { Compression } from '../media-types.js';
import { ByteQueue } from '../tar/byte-queue.js';
import type { TarEntryHeader } from '../tar/entry-header.js';
import { readMemberRange } from '../tar/read-member-range.js';
import { TarFileReader } from '../tar/tar-file-reader.js';
import { TarFormatError, TarStreamReader } from '../tar/tar-stream-reader.js';
import { sniffCompression } from './decompress.js';
import { hashFileRange } from './hash-file-range.js';
import { openLayerStream, type LayerStream } from './layer-stream.js';

/** The members of a layer, however they are read, and what was computed over its bytes. */
export interface MemberSource {
  readonly compression: Compression;
  next(): Promise<TarEntryHeader | undefined>;
  readBody(): Promise<Buffer>;
  peekBody(count: number): Promise<Buffer>;
  /** Positional reads of the current body (only where the layer sits uncompressed in a file). */
  readonly readBodyInto?: (target: Buffer, offset: number, length: number) => Promise<void>;
  /** The current body as views, in order (only where the layer is read as a stream). */
  readonly scanBody?: (visit: (piece: Buffer, offset: number) => void) => Promise<void>;
  /** After the last member: reads what is left, waits for the digests, returns what was seen. */
  finish(): Promise<{ rawBytes: number; blob: string | undefined; diffId: string | undefined }>;
  /** The first error of a background stage (decompression, a tap), if any. */
  error(): unknown;
  /** How many of the blob's bytes (as stored, compressed or not) have been read and hashed. */
  bytesDone(): number;
  destroy(): Promise<void>;
}

export interface SourceLimits {
  readonly maxTarBytes: number;
  readonly oversize: () => ImageError;
  readonly overlong: () => ImageError;
  /** Layers at least this large that sit uncompressed in a local file are read by position. */
  readonly seekMinBytes: number;
}

/** The default seek threshold: below it, one sequential pass is as fast and needs no thread. */
export const SEEK_MIN_BYTES = 128 * 1024 * 1024;

function algorithmOf(digest: string | undefined): 'sha256' | 'sha512' | undefined {
  return digest ? parseDigest(digest).algorithm : undefined;
}

/**
 * Reads of the current body by position in the blob's file, for a stream that is the file's own
 * bytes (uncompressed): the stream still passes every byte through the digests, but a large
 * member it skips need not be copied whole for the parts a cataloger looks at.
 */
function positionalBodyReads(
  file: NonNullable<BlobLayer['file']>,
  reader: TarStreamReader,
): Pick<MemberSource, 'readBodyInto'> & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  return {
    async readBodyInto(target, offset, length) {
      const body = reader.body;
      if (!body) throw new Error('the current tar member has been read already');
      // Never past the layer's own bytes (into the next member of a `docker save` archive).
      if (body.offset + body.size > file.size) {
        throw new TarFormatError(
          `unexpected end of archive inside a member (${body.size} bytes declared, ` +
            `${Math.max(0, file.size - body.offset)} left)`,
          file.size,
        );
      }
      handle ??= open(file.path, 'r');
      await readMemberRange(
        await handle,
        { fileOffset: file.offset + body.offset, size: body.size },
        target,
        offset,
        length,
      );
    },
    async close() {
      await (await handle?.catch(() => undefined))?.close();
    },
  };
}

/** One streaming pass: raw bytes -> (decompress) -> tar, hashed and counted on the way. */
async function streamSource(layer: BlobLayer, limits: SourceLimits): Promise<MemberSource> {
  const stream: LayerStream = await openLayerStream(layer, limits);
  const reader = new TarStreamReader(new ByteQueue(stream.tar[Symbol.asyncIterator]()));
  const positional =
    layer.file && stream.compression === 'none'
      ? positionalBodyReads(layer.file, reader)
      : undefined;
  return {
    compression: stream.compression,
    next: () => reader.next(),
    readBody: () => reader.readBody(),
    peekBody: (count) => reader.peekBody(count),
    scanBody: (visit) => reader.scanBody(visit),
    ...(positional ? { readBodyInto: positional.readBodyInto } : {}),
    async finish() {
      await positional?.close();
      await reader.drain();
      await stream.settled;
      if (stream.error() !== undefined) throw stream.error();
      return { rawBytes: stream.rawBytes(), ...stream.digests() };
    },
    error: () => stream.error(),
    bytesDone: () => stream.rawBytes(),
    destroy: async () => {
      stream.destroy();
      await positional?.close();
    },
  };
}

/**
 * An uncompressed layer in a local file, read by position: only headers and the bodies asked for
 * are read here, while a worker thread hashes the whole range in parallel (the digest still
 * covers every byte). A 2 GB layer then costs a few megabytes of reads on this thread.
 */
function fileSource(
  layer: BlobLayer,
  file: NonNullable<BlobLayer['file']>,
  handle: FileHandle,
): MemberSource {
  const algorithm = algorithmOf(layer.digest) ?? algorithmOf(layer.diffId);
  const rangeHash = algorithm ? hashFileRange(file, algorithm) : undefined;
  const hashing =
    rangeHash && algorithm
      ? rangeHash.result.then(
          (result) => ({ ...result, algorithm }),
          (error: unknown) => ({ error }),
        )
      : undefined;
  const reader = new TarFileReader(handle, file.offset, file.offset + file.size);
  let failure: unknown;
  return {
    compression: 'none',
    next: () => reader.next(),
    readBody: () => reader.readBody(),
    peekBody: (count) => reader.peekBody(count),
    readBodyInto: (target, offset, length) => reader.readBodyInto(target, offset, length),
    async finish() {
      await handle.close();
      if (!hashing) return { rawBytes: file.size, blob: undefined, diffId: undefined };
      const result = await hashing;
      if ('error' in result) {
        failure = result.error;
        throw result.error;
      }
      const digest = `${result.algorithm}:${result.hex}`;
      // Uncompressed: the blob digest and the diff_id are digests of the same bytes.
      return {
        rawBytes: result.bytes,
        blob: layer.digest ? digest : undefined,
        diffId: layer.diffId && algorithmOf(layer.diffId) === result.algorithm ? digest : undefined,
      };
    },
    error: () => failure,
    // The tar walk runs ahead of the hash; the hash is what the layer waits for.
    bytesDone: () => rangeHash?.hashed() ?? reader.offset,
    destroy: async () => {
      await handle.close().catch(() => undefined);
    },
  };
}

/** Opens a blob layer the cheapest way its storage allows. */
export async function openMemberSource(
  layer: BlobLayer,
  limits: SourceLimits,
): Promise<MemberSource> {
  const file = layer.file;
  if (file && file.size >= limits.seekMinBytes) {
    const handle = await open(file.path, 'r');
    try {
      const head = Buffer.alloc(4);
      await handle.read(head, 0, 4, file.offset);
      if (sniffCompression(head) === 'none') {
        if (file.size > limits.maxTarBytes) throw limits.oversize();
        if (layer.size !== undefined && file.size > layer.size) throw limits.overlong();
        return fileSource(layer, file, handle);
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
  }
  return streamSource(layer, limits);
}
