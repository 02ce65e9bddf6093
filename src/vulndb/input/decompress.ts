import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import bz2 from 'unbzip2-stream';

export type Compression = 'gzip' | 'bzip2' | 'none';

/** Detects gzip (1f 8b) and bzip2 ("BZh" + block size digit) from a file's first bytes. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (
    head.length >= 4 &&
    head[0] === 0x42 &&
    head[1] === 0x5a &&
    head[2] === 0x68 &&
    head[3] !== undefined &&
    head[3] >= 0x31 &&
    head[3] <= 0x39
  ) {
    return 'bzip2';
  }
  return 'none';
}

/** Reads up to `bytes` bytes from the start of a file (for format sniffing). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Wraps a compressed stream in its decompressor. unbzip2-stream is a classic "through" stream,
 * so it is wrapped into a modern Readable; source errors are forwarded so they are not lost.
 */
export function decompress(source: Readable, compression: Compression): Readable {
  switch (compression) {
    case 'none':
      return source;
    case 'gzip': {
      const gunzip = createGunzip({ chunkSize: 256 * 1024 });
      source.on('error', (error) => gunzip.destroy(error));
      // A consumer that stops early (format sniffing) must not leave the file open.
      gunzip.on('close', () => source.destroy());
      return source.pipe(gunzip);
    }
    case 'bzip2': {
      const through = bz2();
      // Piped into a PassThrough rather than Readable.wrap: wrap destroys on the classic
      // stream's 'close', which can come before the last buffered output was read.
      const output = new PassThrough({ highWaterMark: 1024 * 1024 });
      source.on('error', (error) => output.destroy(error));
      through.on('error', (error: Error) => output.destroy(error));
      output.on('close', () => source.destroy());
      source.pipe(through).pipe(output);
      return output;
    }
  }
}

/** Opens a file, decompressing it when its bytes say gzip or bzip2. */
export async function openDecompressed(
  path: string,
): Promise<{ stream: Readable; compression: Compression }> {
  const compression = sniffCompression(await readHead(path, 4));
  return {
    stream: decompress(createReadStream(path, { highWaterMark: 256 * 1024 }), compression),
    compression,
  };
}

/** Collects a stream into one buffer, refusing more than `maxBytes` (a bomb or a wrong input). */
export async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new RangeError(`larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
