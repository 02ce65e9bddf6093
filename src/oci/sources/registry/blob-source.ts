import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestOf, parseDigest } from '../../digest.js';
import { ImageError } from '../../errors.js';
import { printable } from '../../printable.js';

/**
 * The bytes of one blob to push: in memory, or a file read twice (once to hash it, once to send
 * it), never held whole in memory. `label` names it in messages (the file path, or the caller's name).
 */
export type BlobSource =
  | {
      readonly kind: 'bytes';
      readonly data: Uint8Array;
      readonly digest: string;
      readonly size: number;
      readonly label: string;
    }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly digest: string;
      readonly size: number;
      readonly label: string;
    };

export function bytesSource(data: Uint8Array, label: string): BlobSource {
  return { kind: 'bytes', data, digest: digestOf(data), size: data.length, label };
}

function changed(path: string, why: string): ImageError {
  return new ImageError(
    'CONTENT_CHANGED',
    `file ${printable(path)} changed while it was being pushed (${why}); push it again once nothing writes to it`,
    {
      details: { path },
    },
  );
}

/** Hashes a regular file as one stream (constant memory) and checks it did not change meanwhile. */
export async function fileSource(path: string, label: string = path): Promise<BlobSource> {
  let before;
  try {
    before = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ImageError(
      'ARTIFACT_INVALID',
      `cannot read file ${printable(path)} to push (${code})`,
      { cause: error, details: { path } },
    );
  }
  if (!before.isFile())
    throw new ImageError(
      'ARTIFACT_INVALID',
      `${printable(path)} is not a regular file; only files can be pushed as blobs`,
      { details: { path } },
    );
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: 1024 * 1024 }),
    async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
      }
    },
  );
  const after = await stat(path);
  if (size !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw changed(path, 'it was written to while being hashed');
  return { kind: 'file', path, digest: `sha256:${hash.digest('hex')}`, size, label };
}

/**
 * The digest of the bytes actually sent, in order. A resumed upload re-reads bytes it already
 * sent; those are not hashed twice (positions below `hashedUpTo` are skipped), so at the end the
 * digest covers the blob exactly once and tells whether the file still holds what was hashed.
 */
export class SentDigest {
  private readonly hash: Hash;
  private hashedUpTo = 0;
  private final: string | undefined;

  constructor(readonly expected: string) {
    this.hash = createHash(parseDigest(expected).algorithm);
  }

  /** Bytes at `position` of the blob on their way out. */
  update(chunk: Buffer, position: number): void {
    const skip = this.hashedUpTo - position;
    if (this.final !== undefined) return;
    if (skip >= chunk.length) return;
    this.hash.update(skip > 0 ? chunk.subarray(skip) : chunk);
    this.hashedUpTo = position + chunk.length;
  }

  get bytes(): number {
    return this.hashedUpTo;
  }

  /** Whether every byte was seen once and they hash to the expected digest (at the end: it closes the hash). */
  matches(size: number): boolean {
    this.final ??= `${parseDigest(this.expected).algorithm}:${this.hash.digest('hex')}`;
    return this.hashedUpTo === size && this.final === this.expected;
  }
}

/**
 * A body for bytes [start, end) of a source, as a function that opens it (so an auth challenge or
 * a redirect can send it again). A file is streamed with backpressure; one that now holds fewer
 * bytes fails the request with CONTENT_CHANGED instead of sending a short body.
 */
export function rangeBody(
  source: BlobSource,
  start: number,
  end: number,
  sent: SentDigest,
  onBytes?: (position: number) => void,
): Buffer | (() => Readable) {
  if (source.kind === 'bytes' || start === end) {
    if (source.kind === 'file') return Buffer.alloc(0);
    const chunk = Buffer.from(source.data.buffer, source.data.byteOffset + start, end - start);
    sent.update(chunk, start);
    onBytes?.(end);
    return chunk;
  }
  return () => {
    let position = start;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent.update(chunk, position);
        position += chunk.length;
        onBytes?.(position);
        done(null, chunk);
      },
      flush(done) {
        done(
          position === end
            ? null
            : changed(source.path, `it now ends at byte ${position}, not ${end}`),
        );
      },
    });
    const file = createReadStream(source.path, { start, end: end - 1, highWaterMark: 256 * 1024 });
    file.on('error', (error) =>
      tap.destroy(changed(source.path, (error as NodeJS.ErrnoException).code ?? 'read error')),
    );
    return file.pipe(tap);
  };
}
