import type { Package } from '../types.js';
import { lockfileKind } from './paths.js';

function projectDir(lockfilePath: string): string {
  const kind = lockfileKind(lockfilePath);
  const cut =
    kind === 'hidden'
      ? lockfilePath.lastIndexOf('node_modules/')
      : lockfilePath.lastIndexOf('/') + 1;
  return lockfilePath.slice(0, cut);
}

/**
 * The npm cataloger's refine step over the finalized catalog. Where a lockfile's project has a
 * node_modules folder in the image, node_modules is the truth: a lockfile entry installed there is
 * a duplicate, and one not installed there was not installed at all (an optional package for
 * another platform such as `@img/sharp-darwin-arm64`, or a pruned dev dependency). Both go.
 * Lockfile packages of projects that ship no node_modules (bundled apps) stay.
 */
export function dropLockfileDuplicates(packages: readonly Package[]): Package[] {
  const projectsWithModules = new Set<string>();
  for (const pkg of packages) {
    if (pkg.type !== 'npm') continue;
    for (const location of pkg.locations) {
      if (lockfileKind(location.path) !== undefined) continue;
      const modules = location.path.indexOf('node_modules/');
      if (modules >= 0) projectsWithModules.add(location.path.slice(0, modules));
    }
  }
  return packages.filter(
    (pkg) =>
      pkg.type !== 'npm' ||
      !pkg.locations.every(
        (location) =>
          lockfileKind(location.path) !== undefined &&
          projectsWithModules.has(projectDir(location.path)),
      ),
  );
}
