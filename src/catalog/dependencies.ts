import type { DependencyPicker, PickContext } from './cataloger.js';
import { OS_PACKAGE_TYPES, type Package, type PackageType } from './types.js';

/** The OS package that installed a path, from the file lists (`/bin/sh` -> bash). */
export type FileOwnerLookup = (path: string) => { type: PackageType; name: string } | undefined;

/** `github.com/org/repo`, `@scope/name`: the name requirements use. */
function fullName(pkg: Package): string {
  return pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name;
}

/** Architecture-independent packages (dpkg `all`, rpm `noarch`). */
const ANY_ARCH: ReadonlySet<string | undefined> = new Set(['all', 'noarch']);

/** The architecture most of the image's OS packages are built for (`amd64`), per package type. */
function nativeArchitectures(packages: readonly Package[]): Map<PackageType, string> {
  const counts = new Map<PackageType, Map<string, number>>();
  for (const pkg of packages) {
    if (!OS_PACKAGE_TYPES.has(pkg.type) || pkg.arch === undefined || ANY_ARCH.has(pkg.arch))
      continue;
    const byArch = counts.get(pkg.type) ?? new Map<string, number>();
    byArch.set(pkg.arch, (byArch.get(pkg.arch) ?? 0) + 1);
    counts.set(pkg.type, byArch);
  }
  const out = new Map<PackageType, string>();
  for (const [type, byArch] of counts)
    out.set(type, [...byArch].reduce((best, next) => (next[1] > best[1] ? next : best))[0]);
  return out;
}

/**
 * The candidate found in the same file as the dependent: a language package's dependency is in
 * its own binary, deps.json or lockfile; the same name elsewhere in the image is another
 * program's copy. Pickers of lockfile entries use it too.
 */
export function inSameFile(
  dependent: Package,
  candidates: readonly Package[],
): Package | undefined {
  const file = dependent.locations[0]?.path;
  return candidates.find((candidate) => candidate.locations[0]?.path === file);
}

/**
 * The package to depend on among several that provide a name. An OS package's dependency is
 * anywhere in the image: one of its own architecture, or, for an architecture-independent
 * package, one of the image's native architecture (on a multi-arch Debian with `libc6:amd64`
 * and `libc6:i386`, `adduser` (all) needs the amd64 one). A language package's is in the same
 * file (`inSameFile`).
 */
function pickDefault(
  dependent: Package,
  others: readonly Package[],
  native: ReadonlyMap<PackageType, string>,
): Package | undefined {
  if (!OS_PACKAGE_TYPES.has(dependent.type)) return inSameFile(dependent, others);
  const arch = ANY_ARCH.has(dependent.arch) ? native.get(dependent.type) : dependent.arch;
  return (
    others.find((candidate) => candidate.arch === arch) ??
    others.find((candidate) => ANY_ARCH.has(candidate.arch)) ??
    others[0]
  );
}

/**
 * Turns every package's `requires` into `dependsOn`: the ids of the packages of the same type in
 * this image that meet each requirement, by name (`name@version` for one version), by a
 * capability they provide, or (a path) by owning the file. Among several, an OS package takes
 * one of its architecture, a language package one in the same file, unless its cataloger picks
 * (`Cataloger.pickDependency`: npm follows Node's node_modules lookup). For a requirement with
 * alternatives, the first alternative that is installed wins, as dpkg and apt read `a | b`.
 * Requirements nothing installed meets (an rpm's `rpmlib(...)` features, a dependency removed
 * with `dpkg --force-depends`) are left out. `requires` and `provides` are dropped: they served
 * only this, and so are `requireConstraints` (read by pickers).
 */
export function resolveDependencies(
  packages: readonly Package[],
  fileOwner: FileOwnerLookup,
  pickers: ReadonlyMap<string, DependencyPicker> = new Map(),
  context: PickContext = { realPath: (path) => path },
): Package[] {
  if (!packages.some((pkg) => pkg.requires !== undefined || pkg.provides !== undefined))
    return [...packages];
  const native = nativeArchitectures(packages);
  const pick = (candidates: readonly Package[], dependent: Package): Package | undefined => {
    const others = candidates.filter((candidate) => candidate !== dependent);
    if (others.length === 0) return undefined;
    const picker = pickers.get(dependent.cataloger);
    return picker ? picker(dependent, others, context) : pickDefault(dependent, others, native);
  };
  const providers = new Map<string, Package[]>();
  const add = (type: PackageType, name: string, pkg: Package): void => {
    const key = `${type}\0${name}`;
    const list = providers.get(key);
    if (!list) providers.set(key, [pkg]);
    else if (!list.includes(pkg)) list.push(pkg);
  };
  for (const pkg of packages) {
    const name = fullName(pkg);
    add(pkg.type, name, pkg);
    // `name@version` picks one of two versions in one file (Rust crates, .NET libraries).
    add(pkg.type, `${name}@${pkg.version}`, pkg);
    for (const capability of pkg.provides ?? []) add(pkg.type, capability, pkg);
  }
  const resolve = (pkg: Package, name: string): Package | undefined => {
    const byName = providers.get(`${pkg.type}\0${name}`);
    if (byName) return pick(byName, pkg);
    if (!name.startsWith('/')) return undefined;
    const owner = fileOwner(name);
    if (owner?.type !== pkg.type) return undefined;
    return pick(providers.get(`${owner.type}\0${owner.name}`) ?? [], pkg);
  };
  return packages.map((pkg) => {
    const { requires, provides: _provides, requireConstraints: _constraints, ...rest } = pkg;
    if (requires === undefined)
      return _provides === undefined && _constraints === undefined ? pkg : rest;
    const ids = new Set<string>();
    for (const alternatives of requires) {
      for (const name of alternatives) {
        const target = resolve(pkg, name);
        if (target) {
          ids.add(target.id);
          break;
        }
      }
    }
    return ids.size === 0 ? rest : { ...rest, dependsOn: [...ids].sort() };
  });
}
