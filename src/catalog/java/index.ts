import {
  defineCataloger,
  type Cataloger,
  type PartialFile,
  type ParseResult,
} from '../cataloger.js';
import {
  ARCHIVE_EXTENSION,
  DEFAULT_LIMITS,
  walkJavaArchive,
  type WalkLimits,
} from './walk-archive.js';
import { bufferSource, type ZipSource } from './zip-source.js';

export { DEFAULT_LIMITS, type WalkLimits } from './walk-archive.js';

/** Zip local file header magic: every jar, war and ear starts with it. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

type Walked = Awaited<ReturnType<typeof walkJavaArchive>>;

/** A large archive in a layer read by position, filled in as the walk reads it. */
function fillingSource(file: PartialFile): ZipSource {
  return {
    size: file.size,
    async read(offset, length) {
      await file.fill(offset, length);
      return file.content.subarray(offset, offset + length);
    },
  };
}

function result({ packages, warnings }: Walked): ParseResult {
  return warnings.length > 0 ? { packages, warnings } : { packages };
}

/**
 * Java archives (jar, war, ear, Jenkins jpi/hpi, par, sar) read by position: every
 * META-INF/maven/.../pom.properties (fat jars hold many), MANIFEST.MF when the archive has no
 * pom.properties of its own, and nested archives (WEB-INF/lib, BOOT-INF/lib, ear modules) to a
 * bounded depth and decompressed size. Limits are options so tests can lower them.
 */
export function createJavaCataloger(limits: WalkLimits = DEFAULT_LIMITS): Cataloger {
  // What a prefill's walk found, by the buffer it filled: parse would read the same bytes again.
  const walkedWhileFilling = new WeakMap<Buffer, Walked>();
  return defineCataloger({
    id: 'java',
    displayName: 'Java archives (jar, war, ear)',
    urls: [
      'https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html',
      'https://maven.apache.org/shared/maven-archiver/',
      'https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT',
      'https://github.com/package-url/purl-spec/blob/main/types-doc/maven-definition.md',
    ],
    packageTypes: ['maven'],
    version: 1,
    // By name whatever the entry type: a link or an emptied file in an upper layer must still hide
    // the archive below it, and a link (Debian's foo.jar -> foo-1.2.jar) adds a path to reach it by.
    claims: (file) => ARCHIVE_EXTENSION.test(file.path),
    // Of a large archive only the end record, the central directory and the entries the walk
    // uses are read; an archive stored inside it (a fat jar's BOOT-INF/lib) is read the same way
    // in place. The walk runs here, over the file as it is filled in, and parse reuses it.
    async prefill(file) {
      await file.fill(0, 4);
      const magic = file.content.subarray(0, 4);
      if (!magic.equals(ZIP_MAGIC)) return true;
      walkedWhileFilling.set(
        file.content,
        await walkJavaArchive(file.path, fillingSource(file), limits),
      );
      return true;
    },
    async parse(file): Promise<ParseResult> {
      if (file.content.length === 0) return {};
      const magic = file.content.subarray(0, 4);
      if (magic.equals(EMPTY_ZIP_MAGIC)) return {};
      if (!magic.equals(ZIP_MAGIC)) return { warnings: ['not a zip archive (no PK header)'] };
      const walked = walkedWhileFilling.get(file.content);
      if (walked) return result(walked);
      return result(await walkJavaArchive(file.path, bufferSource(file.content), limits));
    },
  });
}

export const javaCataloger = createJavaCataloger();
