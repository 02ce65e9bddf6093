import { defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { parseCoreMetadata } from './installed.js';
import { isInstalledMetadata } from './paths.js';

export { parseCoreMetadata } from './installed.js';
export { normalizePythonName, parseHeaders } from './core-metadata.js';
export { licenseFromClassifier } from './classifiers.js';
export { isInstalledMetadata } from './paths.js';

/** Larger than any real METADATA (a huge long description is ~1 MiB): not read. */
const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/**
 * Installed Python distributions from their core metadata: `*.dist-info/METADATA` (wheels),
 * `*.egg-info/PKG-INFO` and single-file `*.egg-info` (setuptools, distutils). See README.md.
 */
export const pythonCataloger: Cataloger = defineCataloger({
  id: 'python',
  displayName: 'Python packages (dist-info, egg-info)',
  urls: [
    'https://packaging.python.org/en/latest/specifications/core-metadata/',
    'https://packaging.python.org/en/latest/specifications/recording-installed-packages/',
    'https://peps.python.org/pep-0503/#normalized-names',
  ],
  packageTypes: ['pypi'],
  version: 1,
  claims: (file) => isInstalledMetadata(file.path),
  parse(file): ParseResult {
    if (file.content.length > MAX_METADATA_BYTES) return { warnings: [`metadata larger than ${MAX_METADATA_BYTES} bytes, not read`] };
    try {
      return parseCoreMetadata(file.content.toString('utf8'));
    } catch (error) {
      return { warnings: [`could not parse: ${error instanceof Error ? error.message : String(error)}`] };
    }
  },
});
