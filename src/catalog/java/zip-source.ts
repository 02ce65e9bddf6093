import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * The bytes of one zip archive, read by position: a buffer in memory, a part of another
 * source (an archive stored uncompressed inside a jar), or a file filled in as it is read (a
 * large jar in a layer read by position). yauzl reads a zip this way anyway (end record,
 * central directory, then each entry it is asked for), so only those parts are ever touched.
 */
export interface ZipSource {
  readonly size: number;
  /** Bytes [offset, offset + length) of the archive (the caller stays inside `size`). */
  read(offset: number, length: number): Promise<Buffer>;
}

export function bufferSource(bytes: Buffer): ZipSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/** [offset, offset + size) of `parent` as an archive of its own: no copy. */
export function subSource(parent: ZipSource, offset: number, size: number): ZipSource {
  return { size, read: (at, length) => parent.read(offset + at, length) };
}

/** yauzl's interface to a source. */
export class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ZipSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const stream = new PassThrough();
    this.source.read(start, end - start).then(
      (bytes) => stream.end(bytes),
      (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return stream;
  }
}
