import type { Catalog } from './catalog.js';
import { OS_PACKAGE_TYPES, type Package } from './types.js';

/**
 * The catalog with each package as `keep` returns it (undefined: left out), and without the
 * dependency edges to packages left out, so no `dependsOn` id dangles.
 */
export function keepPackages(
  catalog: Catalog,
  keep: (pkg: Package) => Package | undefined,
): Catalog {
  const kept: Package[] = [];
  for (const pkg of catalog.packages) {
    const result = keep(pkg);
    if (result) kept.push(result);
  }
  const ids = new Set(kept.map((pkg) => pkg.id));
  const packages = kept.map((pkg) => {
    if (!pkg.dependsOn?.some((id) => !ids.has(id))) return pkg;
    const dependsOn = pkg.dependsOn.filter((id) => ids.has(id));
    return { ...pkg, dependsOn: dependsOn.length > 0 ? dependsOn : undefined };
  });
  return { ...catalog, packages };
}

/** Trivy's `--pkg-types`: packages of the distribution (`os`) and of language ecosystems (`library`). */
export type PackageKind = 'os' | 'library';
export const PACKAGE_KINDS: readonly PackageKind[] = ['os', 'library'];

/** The catalog with only the packages of the kinds asked for. */
export function selectPackageKinds(catalog: Catalog, kinds: readonly PackageKind[]): Catalog {
  const os = kinds.includes('os');
  const library = kinds.includes('library');
  if (os && library) return catalog;
  return keepPackages(catalog, (pkg) =>
    OS_PACKAGE_TYPES.has(pkg.type) ? (os ? pkg : undefined) : library ? pkg : undefined,
  );
}
