import { defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { parseDepsJson } from './deps-json.js';
import { parsePackagesLock } from './packages-lock.js';
import { describeCause } from '../../errors/index.js';

export { parseDepsJson } from './deps-json.js';
export { parsePackagesLock } from './packages-lock.js';

const DEPS_JSON = '.deps.json';
const PACKAGES_LOCK = 'packages.lock.json';

/** `<app>.deps.json` or `packages.lock.json`, by string ends only (runs for every layer entry). */
function claimsPath(path: string): boolean {
  if (path.endsWith(DEPS_JSON))
    return (
      path.length > DEPS_JSON.length && path.charCodeAt(path.length - DEPS_JSON.length - 1) !== 0x2f
    );
  return (
    path.endsWith(PACKAGES_LOCK) &&
    (path.length === PACKAGES_LOCK.length ||
      path.charCodeAt(path.length - PACKAGES_LOCK.length - 1) === 0x2f)
  );
}

/** .NET packages from `<app>.deps.json` and NuGet `packages.lock.json`. See README.md. */
export const dotnetCataloger: Cataloger = defineCataloger({
  id: 'dotnet',
  displayName: '.NET NuGet packages (deps.json, packages.lock.json)',
  urls: [
    'https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md',
    'https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies',
  ],
  packageTypes: ['nuget'],
  version: 2,
  claims: (file) => claimsPath(file.path),
  parse(file): ParseResult {
    const text = file.content.toString('utf8');
    try {
      return file.path.endsWith(DEPS_JSON) ? parseDepsJson(text) : parsePackagesLock(text);
    } catch (error) {
      return { warnings: [`could not parse: ${describeCause(error).split('\n')[0]}`] };
    }
  },
});
