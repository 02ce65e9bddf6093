import type { Package } from '../types.js';
import { isStandalonePackageJson, lockfileKind } from './paths.js';

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
  const projectsWithModules = npmProjects(packages).withModules;
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

/** The npm project folders (ending in `/`) the catalog shows: by installed packages, by lockfiles. */
function npmProjects(packages: readonly Package[]): {
  withModules: Set<string>;
  withLockfile: Set<string>;
} {
  const withModules = new Set<string>();
  const withLockfile = new Set<string>();
  for (const pkg of packages) {
    if (pkg.type !== 'npm') continue;
    for (const { path } of pkg.locations) {
      if (lockfileKind(path) !== undefined) {
        withLockfile.add(projectDir(path));
        continue;
      }
      const modules = path.indexOf('node_modules/');
      if (modules >= 0) withModules.add(path.slice(0, modules));
    }
  }
  return { withModules, withLockfile };
}

/** Is `dir` (ending in `/`) or a folder above it, short of the root, one of `projects`? */
function insideProject(dir: string, projects: ReadonlySet<string>): boolean {
  for (let end = dir.length; end > 0; end = dir.lastIndexOf('/', end - 2) + 1) {
    if (projects.has(dir.slice(0, end))) return true;
  }
  return false;
}

/**
 * The npm cataloger's second refine step. A package.json outside node_modules is reported as an
 * unpacked package (`/opt/yarn-v1.22.19`) unless it belongs to a project: its folder, or one above
 * it, holds a node_modules folder or a lockfile. Then it is the project's own manifest (`/app`) or
 * a workspace member's, and what the project installs is reported instead.
 */
export function dropProjectManifests(packages: readonly Package[]): Package[] {
  const { withModules, withLockfile } = npmProjects(packages);
  const projects = new Set([...withModules, ...withLockfile]);
  if (projects.size === 0) return [...packages];
  const isProjectManifest = (path: string): boolean =>
    isStandalonePackageJson(path) &&
    insideProject(path.slice(0, path.length - 'package.json'.length), projects);
  const kept: Package[] = [];
  for (const pkg of packages) {
    if (pkg.type !== 'npm' || !pkg.locations.some((location) => isProjectManifest(location.path))) {
      kept.push(pkg);
      continue;
    }
    const locations = pkg.locations.filter((location) => !isProjectManifest(location.path));
    if (locations.length > 0) kept.push({ ...pkg, locations });
  }
  return kept;
}
