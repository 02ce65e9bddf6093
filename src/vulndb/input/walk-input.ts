import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { describeCause } from '../../errors/index.js';
import { VulnDbError } from '../errors.js';
import type { ImportSink } from '../source.js';
import { bzip2FileStream } from './bzip2-worker.js';
import { decompress, readAll, readHead, sniffCompression, type Compression } from './decompress.js';

/** One file of an input: a plain file, a file in a directory tree, or an entry of an archive. */
export interface InputFile {
  /** Path inside the input, `/`-separated, without a .gz/.bz2 suffix: sources choose by extension. */
  readonly path: string;
  /** Where it came from, for warnings: `osv-go.tar.gz:osv/GO-2022-0956.json`. */
  readonly origin: string;
  /** The decompressed content; open at most once. */
  open(): Promise<Readable>;
  /** The whole decompressed content, refusing more than `maxBytes`. */
  read(maxBytes?: number): Promise<Buffer>;
}

/** Reads a one-record file; an oversized one is skipped with a warning (undefined), not fatal. */
export async function readRecordFile(
  file: InputFile,
  sink: ImportSink,
  maxBytes = DEFAULT_MAX_RECORD_BYTES,
): Promise<Buffer | undefined> {
  try {
    return await file.read(maxBytes);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    sink.skip({ file: file.origin }, `file is ${error.message}`);
    return undefined;
  }
}

/** No single advisory record comes near this; a bigger one is a bomb or the wrong input. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Names in a directory tree worth sniffing for an archive or compression. */
const MAYBE_PACKED = /\.(?:zip|tar|tgz|gz|bz2)$/i;

const COMPRESSED_SUFFIX = /\.(?<suffix>gz|bz2)$/i;

function stripCompressionSuffix(path: string): string {
  return path.replace(COMPRESSED_SUFFIX, '');
}

function compressionFromName(name: string): Compression {
  const suffix = COMPRESSED_SUFFIX.exec(name)?.groups?.['suffix']?.toLowerCase();
  return suffix === 'gz' ? 'gzip' : suffix === 'bz2' ? 'bzip2' : 'none';
}

function inputFile(
  path: string,
  origin: string,
  open: () => Promise<Readable>,
): InputFile & { readonly opened: boolean } {
  let opened = false;
  const file = {
    path,
    origin,
    get opened() {
      return opened;
    },
    open: () => {
      opened = true;
      return open();
    },
    read: async (maxBytes = DEFAULT_MAX_RECORD_BYTES) => {
      try {
        return await readAll(await file.open(), maxBytes);
      } catch (error) {
        // Too large is this record's problem (a RangeError the source skips); anything else
        // is a damaged stream, and the input as a whole cannot be trusted past it.
        if (error instanceof RangeError) throw error;
        throw new VulnDbError('INPUT_INVALID', `cannot read ${origin}: ${describeCause(error)}`, {
          cause: error,
          details: { file: origin },
        });
      }
    },
  };
  return file;
}

type FileKind = 'zip' | 'tar' | 'single';

function isTarHeader(head: Buffer): boolean {
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

/** Reads the first bytes after decompression (a .tar.gz is a tar only once gunzipped). */
async function decompressedHead(
  path: string,
  compression: Compression,
  bytes: number,
): Promise<Buffer> {
  const stream = decompress(createReadStream(path), compression);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= bytes) break;
    }
  } catch {
    // A corrupt stream is reported by the real read, with the file named.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

async function sniffFile(path: string): Promise<{ kind: FileKind; compression: Compression }> {
  const head = await readHead(path, 512);
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304)
    return { kind: 'zip', compression: 'none' };
  const compression = sniffCompression(head);
  const plainHead = compression === 'none' ? head : await decompressedHead(path, compression, 512);
  return { kind: isTarHeader(plainHead) ? 'tar' : 'single', compression };
}

/** A whole file, decompressed; bzip2 is decoded in a worker thread (see bzip2-worker.ts). */
function openFile(path: string, compression: Compression): Readable {
  if (compression === 'bzip2') return bzip2FileStream(path);
  return decompress(createReadStream(path, { highWaterMark: 256 * 1024 }), compression);
}

async function* walkTar(
  path: string,
  compression: Compression,
  label: string,
): AsyncGenerator<InputFile> {
  const extract = tar.extract();
  const source = openFile(path, compression);
  source.on('error', (error) => {
    extract.destroy(error);
  });
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(?:\.\/)+/, '');
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        const file = inputFile(stripCompressionSuffix(name), `${label}:${name}`, () =>
          // tar-stream entries are streamx streams; Readable.from makes them Node streams.
          Promise.resolve(
            decompress(Readable.from(entry, { objectMode: false }), compressionFromName(name)),
          ),
        );
        yield file;
        if (!file.opened) entry.resume();
      } else {
        entry.resume();
      }
    }
  } finally {
    source.destroy();
    extract.destroy();
  }
}

async function* walkZip(path: string, label: string): AsyncGenerator<InputFile> {
  const zip = await yauzl.openPromise(path, {
    lazyEntries: true,
    autoClose: false,
    strictFileNames: false,
    validateEntrySizes: true,
  });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const name = entry.fileName;
      yield inputFile(stripCompressionSuffix(name), `${label}:${name}`, async () =>
        decompress(await zip.openReadStreamPromise(entry), compressionFromName(name)),
      );
    }
  } finally {
    zip.close();
  }
}

async function* walkFile(path: string, relative: string, label: string): AsyncGenerator<InputFile> {
  const { kind, compression } = await sniffFile(path);
  switch (kind) {
    case 'zip':
      yield* walkZip(path, label);
      return;
    case 'tar':
      yield* walkTar(path, compression, label);
      return;
    case 'single':
      yield inputFile(stripCompressionSuffix(relative), label, () =>
        Promise.resolve(openFile(path, compression)),
      );
      return;
  }
}

async function* walkDirectory(root: string, relative: string): AsyncGenerator<InputFile> {
  const directory = await opendir(join(root, relative));
  const names: { name: string; isDirectory: boolean; isFile: boolean }[] = [];
  for await (const dirent of directory) {
    // Hidden entries (.git of a cloned advisory repository) hold no records.
    if (dirent.name.startsWith('.')) continue;
    names.push({ name: dirent.name, isDirectory: dirent.isDirectory(), isFile: dirent.isFile() });
  }
  // Sorted, so a build from the same tree is the same every time.
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory) yield* walkDirectory(root, child);
    else if (entry.isFile && MAYBE_PACKED.test(entry.name))
      yield* walkFile(join(root, child), child, child);
    else if (entry.isFile) {
      const path = join(root, child);
      // Plain files of a tree (one OSV record each) are not sniffed: that would open each twice.
      yield inputFile(child, child, () => Promise.resolve(createReadStream(path)));
    }
  }
}

/**
 * Every file of an input, whatever its shape: a file (plain, gzip or bzip2), a directory tree,
 * a tar (plain, .tar.gz, .tar.bz2) or a zip (osv.dev's `all.zip`). Files come one at a time and
 * are streamed, so a large feed never sits in memory whole.
 */
export async function* walkInput(path: string): AsyncGenerator<InputFile> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new VulnDbError(
      'INPUT_NOT_FOUND',
      `advisory input ${path} does not exist or cannot be read`,
      { details: { path } },
    );
  }
  try {
    if (isDirectory) yield* walkDirectory(path, '');
    else yield* walkFile(path, basename(path), basename(path));
  } catch (error) {
    if (error instanceof VulnDbError) throw error;
    throw new VulnDbError(
      'INPUT_INVALID',
      `cannot read advisory input ${path}: ${describeCause(error)}`,
      { cause: error, details: { path } },
    );
  }
}
