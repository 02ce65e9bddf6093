import yauzl from 'yauzl';
import { SourceReader, subSource, type ZipSource } from './zip-source.js';

/**
 * A zip archive read by position with yauzl (central directory first, as the ZIP spec intends). File names are decoded here rather than by yauzl: yauzl rejects the whole archive on
 * one `../` or absolute name, while a hostile jar should only lose that entry.
 */

export interface ArchiveEntry {
  /** The decoded name (UTF-8 flag, Info-ZIP unicode path, else CP437; backslashes as `/`). */
  readonly name: string;
  /** Why the name cannot be used as a location (absolute, `..`), or undefined when it is fine. */
  readonly unsafe: string | undefined;
  readonly size: number;
  readonly entry: yauzl.Entry;
}

export interface OpenArchive {
  readonly entries: readonly ArchiveEntry[];
  /** The entry's bytes; rejects when the data is not what the directory declares. */
  read(entry: ArchiveEntry): Promise<Buffer>;
  /**
   * An entry stored without compression, as a source of its own over this archive's bytes
   * (nothing read or copied yet); undefined for a compressed or encrypted entry.
   */
  storedSource(entry: ArchiveEntry): Promise<ZipSource | undefined>;
  close(): void;
}

/** Directory entries beyond this are not listed (a real jar has at most tens of thousands). */
export const MAX_ENTRIES = 500_000;

/** Names that would point outside the archive if used as a location (the "zip slip" shapes). */
function unsafeReason(name: string): string | undefined {
  if (name.includes('\0')) return 'NUL byte in the name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'parent directory segment';
  return undefined;
}

function listEntries(zip: yauzl.ZipFile): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: ArchiveEntry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      // With decodeStrings off, yauzl leaves the raw bytes in fileNameRaw.
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      entries.push({ name, unsafe: unsafeReason(name), size: entry.uncompressedSize, entry });
      if (entries.length >= MAX_ENTRIES) resolve(entries);
      else zip.readEntry();
    });
    zip.on('end', () => {
      resolve(entries);
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

export async function openArchive(source: ZipSource): Promise<OpenArchive> {
  const zip = await yauzl.fromRandomAccessReaderPromise(new SourceReader(source), source.size, {
    lazyEntries: true,
    // The walk reads entries after listing them all; the caller closes.
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true,
    strictFileNames: false,
  });
  const entries = await listEntries(zip);
  return {
    entries,
    async read(item: ArchiveEntry): Promise<Buffer> {
      const stream = await zip.openReadStreamPromise(item.entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async storedSource(item: ArchiveEntry): Promise<ZipSource | undefined> {
      const entry = item.entry;
      if (entry.compressionMethod !== 0 || entry.isEncrypted()) return undefined;
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      if (fileDataStart + entry.compressedSize > source.size)
        throw new Error('entry data runs past the end of the archive');
      return subSource(source, fileDataStart, entry.compressedSize);
    },
    close(): void {
      zip.close();
    },
  };
}
