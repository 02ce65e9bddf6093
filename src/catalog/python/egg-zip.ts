import yauzl from 'yauzl';
import { describeCause } from '../../errors/index.js';
import type { ParseResult } from '../cataloger.js';
import { parseCoreMetadata } from './installed.js';

/** A PKG-INFO is a few KiB; a bigger one in a zip is a bomb, not metadata. */
const MAX_METADATA_BYTES = 8 * 1024 * 1024;
/** A zipped egg has tens of entries; stop looking after this many. */
const MAX_ENTRIES = 100_000;

function openZip(content: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      content,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true },
      (error, zip) => {
        if (error) reject(error);
        else resolve(zip);
      },
    );
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_METADATA_BYTES)
          stream.destroy(new Error(`EGG-INFO/PKG-INFO inflates past ${MAX_METADATA_BYTES} bytes`));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => {
        resolve(Buffer.concat(chunks));
      });
    });
  });
}

/** Finds the entry named `wanted`, reading the central directory only. */
function findEntry(zip: yauzl.ZipFile, wanted: string): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      seen += 1;
      if (entry.fileName === wanted) resolve(entry);
      else if (seen >= MAX_ENTRIES) resolve(undefined);
      else zip.readEntry();
    });
    zip.on('end', () => {
      resolve(undefined);
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * A zipped egg (`name-version-pyX.Y.egg` on sys.path, importable as is): its
 * `EGG-INFO/PKG-INFO` holds the core metadata (https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html).
 */
export async function parseEggZip(content: Buffer): Promise<ParseResult> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(content);
    const entry = await findEntry(zip, 'EGG-INFO/PKG-INFO');
    if (!entry) return { warnings: ['egg has no EGG-INFO/PKG-INFO'] };
    if (entry.uncompressedSize > MAX_METADATA_BYTES)
      return { warnings: [`EGG-INFO/PKG-INFO declares ${entry.uncompressedSize} bytes, not read`] };
    return parseCoreMetadata((await readEntry(zip, entry)).toString('utf8'));
  } catch (error) {
    return {
      warnings: [`egg is not a readable zip: ${describeCause(error).split('\n')[0] ?? ''}`],
    };
  } finally {
    zip?.close();
  }
}
