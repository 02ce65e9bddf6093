import picomatch from 'picomatch';
import type { Catalog } from './catalog.js';
import { keepPackages } from './narrow.js';

/** What to leave out of a catalog, as glob patterns over image paths (`--skip-dirs`, `--skip-files`). */
export interface SkipPaths {
  /** Folders: everything found in them, at any depth, is left out. */
  readonly dirs: readonly string[];
  /** Files: what was found in a file the pattern matches is left out. */
  readonly files: readonly string[];
}

/** `/usr/lib/`, `./app` -> `usr/lib`, `app`: image paths carry no leading or trailing slash. */
function imagePattern(pattern: string): string {
  return pattern
    .trim()
    .replace(/^(?:\.\/|\/)+/u, '')
    .replace(/\/+$/u, '');
}

/**
 * A test for image paths (`usr/lib/x`): true when the path lies in one of the folders or matches
 * one of the file patterns. Globs as Trivy's `--skip-dirs`/`--skip-files` take them: `*` within a
 * path segment, `**` across segments, dot files included.
 */
export function pathSkipper(skip: SkipPaths): ((path: string) => boolean) | undefined {
  const dirs = skip.dirs.map(imagePattern).filter((pattern) => pattern !== '');
  const files = skip.files.map(imagePattern).filter((pattern) => pattern !== '');
  if (dirs.length === 0 && files.length === 0) return undefined;
  const options = { dot: true };
  const inDir =
    dirs.length > 0
      ? picomatch(
          dirs.map((dir) => `${dir}/**`),
          options,
        )
      : undefined;
  const isFile = files.length > 0 ? picomatch(files, options) : undefined;
  return (path) => (inDir?.(path) ?? false) || (isFile?.(path) ?? false);
}

/**
 * The catalog without what was found in skipped paths: a package keeps the locations outside
 * them and is left out when none is left (a file inside an archive counts as the archive's path;
 * a package with no recorded location, as SBOMs of other tools may have, is kept);
 * what other packages depended on it goes with it; file findings in skipped paths are left out.
 * Applied to a finished catalog, so the layer cache always holds whole layers.
 */
export function skipPaths(catalog: Catalog, skip: SkipPaths): Catalog {
  const skipped = pathSkipper(skip);
  if (!skipped) return catalog;
  const outer = (path: string): string => path.split('!', 1)[0] ?? path;
  const narrowed = keepPackages(catalog, (pkg) => {
    // A package read from an SBOM that records no place is not known to be in a skipped one.
    if (pkg.locations.length === 0) return pkg;
    const locations = pkg.locations.filter((location) => !skipped(outer(location.path)));
    if (locations.length === 0) return undefined;
    return locations.length === pkg.locations.length ? pkg : { ...pkg, locations };
  });
  return { ...narrowed, findings: catalog.findings.filter((finding) => !skipped(finding.path)) };
}
