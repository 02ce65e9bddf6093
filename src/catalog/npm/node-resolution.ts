import type { PickContext } from '../cataloger.js';
import { inSameFile } from '../dependencies.js';
import type { Package } from '../types.js';
import { isInstalledPackageJson } from './paths.js';

const PACKAGE_JSON = '/package.json';

/** The folder an installed package sits in (`app/node_modules/a`), or undefined. */
function packageFolder(pkg: Package): string | undefined {
  const path = pkg.locations[0]?.path;
  if (path === undefined || !path.endsWith(PACKAGE_JSON)) return undefined;
  return path.slice(0, -PACKAGE_JSON.length);
}

/**
 * Node's lookup (https://nodejs.org/api/modules.html#loading-from-node_modules-folders): a
 * package in folder `F` that requires `b` loads `F/node_modules/b`, else `node_modules/b` in each
 * folder above `F` that is not itself a `node_modules` folder, up to the root. Among the
 * installed packages named `b`, the one that lookup reaches is the dependency; lockfile entries
 * (no folder of their own) are never picked. A lockfile entry's requirements (`b@1.2.3`, resolved
 * by the lockfile parser with the same lookup over its install paths) are met in that lockfile.
 */
export function nodeResolution(
  dependent: Package,
  candidates: readonly Package[],
  context: PickContext,
): Package | undefined {
  const path = dependent.locations[0]?.path;
  const from =
    path !== undefined && isInstalledPackageJson(path) ? packageFolder(dependent) : undefined;
  // A lockfile's entry names its dependencies' exact versions, resolved in that lockfile.
  if (from === undefined) return inSameFile(dependent, candidates);
  // Folders by where they really are: pnpm links `.pnpm/a@1/node_modules/b` to `.pnpm/b@2/…`.
  const realFolder = realFolders(context);
  const installed = new Map<string, Package>();
  let name: string | undefined;
  for (const candidate of candidates) {
    const folder = packageFolder(candidate);
    const candidatePath = candidate.locations[0]?.path;
    if (
      folder === undefined ||
      candidatePath === undefined ||
      !isInstalledPackageJson(candidatePath)
    )
      continue;
    // A manifest's own path is where it really is (the layer walk records real paths).
    installed.set(folder, candidate);
    name ??= candidate.namespace ? `${candidate.namespace}/${candidate.name}` : candidate.name;
  }
  if (name === undefined) return undefined;
  const found = (folder: string): Package | undefined =>
    installed.get(folder) ?? installed.get(realFolder(folder));
  const folder = nodeLookup(from, name, (candidate) => found(candidate) !== undefined);
  return folder === undefined ? undefined : found(folder);
}

const realFolderMemos = new WeakMap<PickContext, (folder: string) => string>();

/** `realPath` for folders, remembered for one catalog (the same folders are looked up often). */
function realFolders(context: PickContext): (folder: string) => string {
  let memo = realFolderMemos.get(context);
  if (!memo) {
    const known = new Map<string, string>();
    memo = (folder) => {
      let real = known.get(folder);
      if (real === undefined) {
        real = context.realPath(`${folder}${PACKAGE_JSON}`).slice(0, -PACKAGE_JSON.length);
        known.set(folder, real);
      }
      return real;
    };
    realFolderMemos.set(context, memo);
  }
  return memo;
}

/**
 * Node's search from folder `from` for package `name`: the first `<dir>/node_modules/<name>`
 * that `exists`, `dir` being `from` and each folder above it that is not a `node_modules`
 * folder, up to the root (`''`). Folders are relative (`app/node_modules/a`), as in an image or
 * as package-lock.json's `packages` keys.
 */
export function nodeLookup(
  from: string,
  name: string,
  exists: (folder: string) => boolean,
): string | undefined {
  for (let dir: string | undefined = from; dir !== undefined; dir = parentFolder(dir)) {
    if (dir === 'node_modules' || dir.endsWith('/node_modules')) continue;
    const folder = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (exists(folder)) return folder;
  }
  return undefined;
}

/** `a/b/c` -> `a/b`, `a` -> `` (the root), `` -> undefined. */
function parentFolder(dir: string): string | undefined {
  if (dir === '') return undefined;
  const slash = dir.lastIndexOf('/');
  return slash === -1 ? '' : dir.slice(0, slash);
}
