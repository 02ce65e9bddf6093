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
 * Cross-file step for a finalized catalog (not wired into catalog/finalize.ts yet): drops an npm
 * package read from a lockfile when the same purl is installed under that lockfile's project
 * (`<dir>/node_modules/...`). The installed manifest is the stronger evidence, and an image with
 * both would otherwise list every dependency twice. Lockfile packages with no installed copy
 * (bundled apps that ship no node_modules) stay.
 */
export function dropLockfileDuplicates(packages: readonly Package[]): Package[] {
  const installed = new Map<string, string[]>();
  for (const pkg of packages) {
    if (pkg.type !== 'npm') continue;
    for (const location of pkg.locations) {
      if (lockfileKind(location.path) !== undefined) continue;
      installed.set(pkg.purl, [...(installed.get(pkg.purl) ?? []), location.path]);
    }
  }
  return packages.filter((pkg) => {
    if (pkg.type !== 'npm') return true;
    const paths = installed.get(pkg.purl);
    if (!paths) return true;
    return !pkg.locations.every((location) => {
      if (lockfileKind(location.path) === undefined) return false;
      const prefix = `${projectDir(location.path)}node_modules/`;
      return paths.some((path) => path.startsWith(prefix));
    });
  });
}
