import yauzl from 'yauzl';
import { describeCause } from '../../errors/index.js';
import type { ParseResult } from '../cataloger.js';
import { parseEggRequires } from './egg-requires.js';
import { parseCoreMetadata } from './installed.js';

const PKG_INFO = 'EGG-INFO/PKG-INFO';
const REQUIRES = 'EGG-INFO/requires.txt';

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
          stream.destroy(new Error(`${entry.fileName} inflates past ${MAX_METADATA_BYTES} bytes`));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => {
        resolve(Buffer.concat(chunks));
      });
    });
  });
}

/** Finds the entries named in `wanted`, reading the central directory only. */
function findEntries(
  zip: yauzl.ZipFile,
  wanted: readonly string[],
): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, yauzl.Entry>();
    let seen = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      seen += 1;
      if (wanted.includes(entry.fileName)) found.set(entry.fileName, entry);
      if (found.size === wanted.length || seen >= MAX_ENTRIES) resolve(found);
      else zip.readEntry();
    });
    zip.on('end', () => {
      resolve(found);
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * A zipped egg (`name-version-pyX.Y.egg` on sys.path, importable as is): its
 * `EGG-INFO/PKG-INFO` holds the core metadata, and `EGG-INFO/requires.txt` what it requires (https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html).
 */
export async function parseEggZip(content: Buffer): Promise<ParseResult> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(content);
    const entries = await findEntries(zip, [PKG_INFO, REQUIRES]);
    const entry = entries.get(PKG_INFO);
    if (!entry) return { warnings: ['egg has no EGG-INFO/PKG-INFO'] };
    if (entry.uncompressedSize > MAX_METADATA_BYTES)
      return { warnings: [`EGG-INFO/PKG-INFO declares ${entry.uncompressedSize} bytes, not read`] };
    const parsed = parseCoreMetadata((await readEntry(zip, entry)).toString('utf8'));
    const requiresEntry = entries.get(REQUIRES);
    const record = parsed.packages?.[0];
    if (!record || !requiresEntry || requiresEntry.uncompressedSize > MAX_METADATA_BYTES)
      return parsed;
    // setuptools keeps install_requires in EGG-INFO/requires.txt, not in PKG-INFO.
    const beside = parseEggRequires((await readEntry(zip, requiresEntry)).toString('utf8'));
    if (beside.length === 0) return parsed;
    return {
      ...parsed,
      packages: [{ ...record, requires: [...(record.requires ?? []), ...beside] }],
    };
  } catch (error) {
    return {
      warnings: [`egg is not a readable zip: ${describeCause(error).split('\n')[0] ?? ''}`],
    };
  } finally {
    zip?.close();
  }
}
