import { defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { inSameFile } from '../dependencies.js';
import { parseEggZip } from './egg-zip.js';
import { parseCoreMetadata } from './installed.js';
import type { PythonLockOptions } from './lock-record.js';
import { parseEggRequires } from './egg-requires.js';
import {
  eggRequiresOwner,
  isInstalledMetadata,
  isZippedEgg,
  pythonLockfile,
  sitePackagesOf,
} from './paths.js';
import { parsePipfileLock } from './pipfile-lock.js';
import { parseRequirements } from './requirements.js';
import { parsePoetryLock, parseUvLock } from './toml-locks.js';
import { describeCause } from '../../errors/index.js';

export { parseCoreMetadata } from './installed.js';
export { normalizePythonName, parseHeaders } from './core-metadata.js';
export { licenseFromClassifier } from './classifiers.js';
export { eggRequiresOwner, isInstalledMetadata, isZippedEgg, pythonLockfile } from './paths.js';
export { parseEggRequires } from './egg-requires.js';
export { parseEggZip } from './egg-zip.js';
export { parseRequirements } from './requirements.js';
export { parsePipfileLock } from './pipfile-lock.js';
export { parsePoetryLock, parseUvLock } from './toml-locks.js';

/** Larger than any real METADATA or lockfile: not read. */
const MAX_BYTES = 16 * 1024 * 1024;

export interface PythonCatalogerOptions {
  /** Report lockfile packages that only development groups need (default false). */
  readonly includeDev?: boolean;
}

function parsePythonFile(path: string, text: string, options: PythonLockOptions): ParseResult {
  switch (pythonLockfile(path)) {
    case 'requirements.txt':
      return parseRequirements(text);
    case 'Pipfile.lock':
      return parsePipfileLock(text, options);
    case 'poetry.lock':
      return parsePoetryLock(text, options);
    case 'uv.lock':
      return parseUvLock(text, options);
    case undefined:
      return parseCoreMetadata(text);
  }
}

/**
 * Python packages: installed distributions from their core metadata (`*.dist-info/METADATA`,
 * `*.egg-info/PKG-INFO`, single-file `*.egg-info`, zipped `*.egg`) and declared ones from requirements.txt,
 * Pipfile.lock, poetry.lock and uv.lock. See README.md.
 */
export function createPythonCataloger(options: PythonCatalogerOptions = {}): Cataloger {
  const lockOptions: PythonLockOptions = { includeDev: options.includeDev ?? false };
  return defineCataloger({
    id: 'python',
    displayName: 'Python packages (dist-info, egg-info, requirements, Pipfile, poetry, uv)',
    urls: [
      'https://packaging.python.org/en/latest/specifications/core-metadata/',
      'https://packaging.python.org/en/latest/specifications/recording-installed-packages/',
      'https://peps.python.org/pep-0503/#normalized-names',
      'https://pip.pypa.io/en/stable/reference/requirements-file-format/',
      'https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile',
    ],
    packageTypes: ['pypi'],
    version: 6,
    // Python imports a distribution's requirements from the same sys.path folder.
    pickDependency: (dependent, candidates) => {
      const from = dependent.locations[0]?.path ?? '';
      // A lockfile's entry: the package of that name in the same lockfile.
      if (!isInstalledMetadata(from) && !isZippedEgg(from))
        return inSameFile(dependent, candidates);
      const site = sitePackagesOf(from);
      return candidates.find((candidate) => {
        const path = candidate.locations[0]?.path ?? '';
        return (isInstalledMetadata(path) || isZippedEgg(path)) && sitePackagesOf(path) === site;
      });
    },
    claims: (file) =>
      isInstalledMetadata(file.path) ||
      eggRequiresOwner(file.path) !== undefined ||
      isZippedEgg(file.path) ||
      pythonLockfile(file.path) !== undefined,
    parse(file): ParseResult | Promise<ParseResult> {
      if (isZippedEgg(file.path)) return parseEggZip(file.content);
      if (file.content.length > MAX_BYTES)
        return { warnings: [`larger than ${MAX_BYTES} bytes, not read`] };
      const owner = eggRequiresOwner(file.path);
      if (owner !== undefined) {
        const requires = parseEggRequires(file.content.toString('utf8'));
        return requires.length > 0 ? { requirementsFor: [{ path: owner, requires }] } : {};
      }
      try {
        return parsePythonFile(file.path, file.content.toString('utf8'), lockOptions);
      } catch (error) {
        return { warnings: [`could not parse: ${describeCause(error).split('\n')[0]}`] };
      }
    },
  });
}

export const pythonCataloger: Cataloger = createPythonCataloger();
