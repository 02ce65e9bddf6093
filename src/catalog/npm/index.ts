import { baseName, defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { parseInstalledPackageJson } from './package-json.js';
import { parsePackageLock, type LockOptions } from './package-lock.js';
import {
  folderPackageName,
  isInstalledPackageJson,
  isNestedPackageJson,
  isStandalonePackageJson,
  lockfileKind,
} from './paths.js';
import { nodeResolution } from './node-resolution.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLock } from './yarn-lock.js';
import { dropLockfileDuplicates, dropProjectManifests } from './shadowed.js';
import { describeCause } from '../../errors/index.js';

export { normalizeLicense, normalizeLicenses, spdxExpression } from '../internal/license/index.js';
export { isInstalledPackageJson, lockfileKind } from './paths.js';
export { parseInstalledPackageJson } from './package-json.js';
export { parsePackageLock, type LockOptions } from './package-lock.js';
export { parsePnpmLock, parsePnpmKey } from './pnpm-lock.js';
export { parseYarnLock, parseYarnV1, parseYarnBerry } from './yarn-lock.js';

export interface NpmCatalogerOptions {
  /** Report lockfile packages marked dev-only (default false, as Trivy does). */
  readonly includeDev?: boolean;
}

function parseNpmFile(path: string, text: string, options: LockOptions): ParseResult {
  const kind = lockfileKind(path);
  switch (kind) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
    case 'hidden':
      return parsePackageLock(text, options);
    case 'yarn.lock':
      return parseYarnLock(text);
    case 'pnpm-lock.yaml':
      return parsePnpmLock(text, options);
    case undefined:
      if (isInstalledPackageJson(path)) return parseInstalledPackageJson(text);
      if (isNestedPackageJson(path)) return vendoredPackage(path, text);
      if (isStandalonePackageJson(path)) return standalonePackage(text);
      return { warnings: [`not an npm file: ${baseName(path)}`] };
  }
}

/**
 * A package.json nested in another package's files counts only as a vendored copy of a published
 * package: its name matches its folder and it is not `private` (type markers such as
 * `terser/dist/package.json` named "dist" are private). Anything else is silently not a package.
 */
function vendoredPackage(path: string, text: string): ParseResult {
  const result = parseInstalledPackageJson(text);
  const record = result.packages?.[0];
  if (!record || record.metadata?.['private'] === true) return {};
  const name = record.namespace ? `${record.namespace}/${record.name}` : record.name;
  // Folder names drop punctuation now and then (`bson/vendor/base64` holds `base-64`).
  const loose = (value: string): string => value.toLowerCase().replace(/[^a-z0-9@/]/g, '');
  if (loose(name) !== loose(folderPackageName(path))) return {};
  return { packages: [{ ...record, metadata: { ...record.metadata, vendored: true } }] };
}

/**
 * A package.json outside node_modules is a package when it names one with a version and is not
 * `private` (an unpacked release such as the node images' `/opt/yarn-v1.22.19`); one that is a
 * project's manifest is dropped later, with the whole catalog in view (`dropProjectManifests`).
 * Anything else (a template, a manifest of another tool) is silently not a package.
 */
function standalonePackage(text: string): ParseResult {
  const record = parseInstalledPackageJson(text).packages?.[0];
  if (!record || record.metadata?.['private'] === true) return {};
  return { packages: [record] };
}

/**
 * npm packages: installed ones from `node_modules/<name>/package.json`, declared ones from
 * package-lock.json (v1-v3), npm-shrinkwrap.json, node_modules/.package-lock.json, yarn.lock
 * (classic and berry) and pnpm-lock.yaml (v5, v6, v9). See README.md for what an image scan
 * reports when both exist.
 */
export function createNpmCataloger(options: NpmCatalogerOptions = {}): Cataloger {
  const lockOptions: LockOptions = { includeDev: options.includeDev ?? false };
  return defineCataloger({
    id: 'npm',
    displayName: 'npm packages (node_modules, package-lock, yarn, pnpm)',
    urls: [
      'https://docs.npmjs.com/cli/configuring-npm/package-json',
      'https://docs.npmjs.com/cli/configuring-npm/package-lock-json',
      'https://classic.yarnpkg.com/lang/en/docs/yarn-lock/',
      'https://yarnpkg.com/configuration/yarnrc',
      'https://github.com/pnpm/spec/tree/master/lockfile',
    ],
    packageTypes: ['npm'],
    version: 8,
    claims: (file) =>
      isInstalledPackageJson(file.path) ||
      lockfileKind(file.path) !== undefined ||
      isNestedPackageJson(file.path) ||
      isStandalonePackageJson(file.path),
    refine: (packages) => dropProjectManifests(dropLockfileDuplicates(packages)),
    pickDependency: nodeResolution,
    parse(file): ParseResult {
      try {
        return parseNpmFile(file.path, file.content.toString('utf8'), lockOptions);
      } catch (error) {
        // The parsers report bad fields as warnings; this catches the unforeseen (stack overflow
        // on pathological YAML) so one hostile file never aborts a scan.
        return { warnings: [`could not parse: ${describeCause(error).split('\n')[0]}`] };
      }
    },
  });
}

export const npmCataloger: Cataloger = createNpmCataloger();
export { dropLockfileDuplicates, dropProjectManifests } from './shadowed.js';
