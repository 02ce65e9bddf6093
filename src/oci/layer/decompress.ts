import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { Compression } from '../media-types.js';

/** Detects a layer's compression from its first bytes (the media type may be wrong). */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (
    head.length >= 4 &&
    head[0] === 0x28 &&
    head[1] === 0xb5 &&
    head[2] === 0x2f &&
    head[3] === 0xfd
  ) {
    return 'zstd';
  }
  // A zstd stream may open with a skippable frame (magic 0x184D2A50..5F, little-endian).
  if (
    head.length >= 4 &&
    ((head[0] ?? 0) & 0xf0) === 0x50 &&
    head[1] === 0x2a &&
    head[2] === 0x4d &&
    head[3] === 0x18
  ) {
    return 'zstd';
  }
  return 'none';
}

/** Streaming zstd decompression over fzstd's push API. */
class ZstdDecompressor extends Transform {
  private readonly decoder: Decompress;

  constructor(readableHighWaterMark?: number) {
    super(readableHighWaterMark === undefined ? {} : { readableHighWaterMark });
    this.decoder = new Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** A decompressor whose output side buffers up to `readableHighWaterMark` bytes. */
export function createDecompressor(
  compression: Compression,
  readableHighWaterMark?: number,
): Transform | undefined {
  switch (compression) {
    case 'gzip':
      // The option is the stream's own (ZlibOptions does not list it, Node passes it on).
      return createGunzip({ chunkSize: 256 * 1024, readableHighWaterMark } as ZlibOptions);
    case 'zstd':
      return new ZstdDecompressor(readableHighWaterMark);
    case 'none':
      return undefined;
  }
}
