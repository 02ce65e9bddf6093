import { defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import {
  ARCHIVE_EXTENSION,
  DEFAULT_LIMITS,
  walkJavaArchive,
  type WalkLimits,
} from './walk-archive.js';

export { DEFAULT_LIMITS, type WalkLimits } from './walk-archive.js';

/** Zip local file header magic: every jar, war and ear starts with it. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Java archives (jar, war, ear, Jenkins jpi/hpi, par, sar) read in memory: every
 * META-INF/maven/.../pom.properties (fat jars hold many), MANIFEST.MF when the archive has no
 * pom.properties of its own, and nested archives (WEB-INF/lib, BOOT-INF/lib, ear modules) to a
 * bounded depth and decompressed size. Limits are options so tests can lower them.
 */
export function createJavaCataloger(limits: WalkLimits = DEFAULT_LIMITS): Cataloger {
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
    async parse(file): Promise<ParseResult> {
      if (file.content.length === 0) return {};
      const magic = file.content.subarray(0, 4);
      if (magic.equals(EMPTY_ZIP_MAGIC)) return {};
      if (!magic.equals(ZIP_MAGIC)) return { warnings: ['not a zip archive (no PK header)'] };
      const { packages, warnings } = await walkJavaArchive(file.path, file.content, limits);
      return warnings.length > 0 ? { packages, warnings } : { packages };
    },
  });
}

export const javaCataloger = createJavaCataloger();
