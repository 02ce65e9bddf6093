import type { Package } from '../catalog/index.js';

/** `name@version`, with the npm scope or Go/Composer namespace: `@types/react@18.0.0`. */
export function packageLabel(pkg: Pick<Package, 'namespace' | 'name' | 'version'>): string {
  return `${pkg.namespace ? `${pkg.namespace}/` : ''}${pkg.name}@${pkg.version}`;
}

/** A catalog's dependency graph as sorted, unique `a -> b` lines, each package named by `label`. */
export function dependencyEdges(
  packages: readonly Package[],
  label: (pkg: Package) => string = packageLabel,
): string[] {
  const byId = new Map(packages.map((pkg) => [pkg.id, pkg]));
  const edges = new Set<string>();
  for (const pkg of packages) {
    for (const id of pkg.dependsOn ?? []) {
      const target = byId.get(id);
      edges.add(`${label(pkg)} -> ${target ? label(target) : id}`);
    }
  }
  return [...edges].sort();
}
