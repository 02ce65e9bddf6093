import { createHash } from 'node:crypto';
import { resolveLinkTarget } from '../oci/index.js';
import type { SquashedView, VisibleResult } from './squash.js';
import type { FileRecord } from './layer-analysis.js';
import type { DependencyPicker } from './cataloger.js';
import { resolveDependencies } from './dependencies.js';
import { purlFor } from './purl.js';
import {
  OS_PACKAGE_TYPES,
  type Location,
  type OsInfo,
  type Package,
  type PackageRecord,
  type PackageType,
} from './types.js';

export interface LayerRef {
  readonly index: number;
  readonly diffId: string | undefined;
  readonly digest: string | undefined;
}

const OS_RELEASE_PRIORITY = ['etc/os-release', 'usr/lib/os-release'];

/** The distribution: `/etc/os-release` first, then `/usr/lib/os-release`, then any fallback file. */
export function pickOs(results: readonly VisibleResult[]): OsInfo | undefined {
  const withOs = results.filter((result) => result.result.os !== undefined);
  const rank = (result: VisibleResult): number => {
    const at = OS_RELEASE_PRIORITY.indexOf(result.accessPath);
    return at === -1 ? OS_RELEASE_PRIORITY.length : at;
  };
  withOs.sort((a, b) => rank(a) - rank(b));
  return withOs[0]?.result.os;
}

/** Rewrites a path through symlinked directories (`lib/x` -> `usr/lib/x` on merged-/usr systems). */
export function canonicalPath(path: string, links: ReadonlyMap<string, FileRecord>): string {
  if (links.size === 0) return path;
  let parts = path.split('/');
  // The prefix grows one component at a time (this runs for every file an OS package owns).
  let prefix = '';
  for (let hops = 0, i = 1; i <= parts.length && hops < 40;) {
    prefix = i === 1 ? (parts[0] ?? '') : `${prefix}/${parts[i - 1] ?? ''}`;
    const link = links.get(prefix);
    if (link?.type === 'symlink' && i < parts.length) {
      const target = resolveLinkTarget(prefix, link.linkTarget ?? '');
      if (target === undefined) return path;
      parts = [...(target === '' ? [] : target.split('/')), ...parts.slice(i)];
      i = 1;
      hops += 1;
      continue;
    }
    i += 1;
  }
  return parts.join('/');
}

/** A name no tar entry can have: stands in for "the file" while a directory is resolved. */
const PROBE = '\0';

/**
 * canonicalPath for many paths of one view: each directory is resolved once and kept, so the
 * thousands of files in the dpkg/rpm/apk file lists cost a lookup each, not a walk.
 */
export function canonicalPathResolver(
  links: ReadonlyMap<string, FileRecord>,
): (path: string) => string {
  if (links.size === 0) return (path) => path;
  const directories = new Map<string, string>();
  return (path) => {
    const slash = path.lastIndexOf('/');
    if (slash < 0) return path;
    const directory = path.slice(0, slash);
    let resolved = directories.get(directory);
    if (resolved === undefined) {
      // The last component is never followed, so the probe stays last ('' when the directory
      // resolves to the root), and a directory that cannot be resolved comes back unchanged.
      resolved = canonicalPath(`${directory}/${PROBE}`, links).slice(0, -PROBE.length - 1);
      directories.set(directory, resolved);
    }
    const name = path.slice(slash + 1);
    return resolved === '' ? name : `${resolved}/${name}`;
  };
}

function packageId(type: string, name: string, version: string, path: string): string {
  return createHash('sha256')
    .update(`${type}\0${name}\0${version}\0${path}`)
    .digest('hex')
    .slice(0, 16);
}

function normalizeOwnedPath(file: string): string {
  return file.replace(/^\/+/, '').replace(/\/+$/, '');
}

/** Files and licences from separate files (FileOwnerList), by package type and name. */
interface PackageExtras {
  files: string[];
  licenses: string[];
}

function collectExtras(view: SquashedView): Map<string, PackageExtras> {
  const extras = new Map<string, PackageExtras>();
  for (const result of view.results) {
    for (const list of result.result.fileOwners ?? []) {
      const key = `${list.type}\0${list.packageName}`;
      const entry = extras.get(key) ?? { files: [], licenses: [] };
      for (const file of list.files) entry.files.push(file);
      for (const license of list.licenses ?? []) {
        if (!entry.licenses.includes(license)) entry.licenses.push(license);
      }
      extras.set(key, entry);
    }
  }
  return extras;
}

/** Requirements kept beside metadata files (RequirementsFor), by cataloger and metadata path. */
function collectRequirements(view: SquashedView): Map<string, (readonly string[])[]> {
  const requirements = new Map<string, (readonly string[])[]>();
  for (const result of view.results) {
    for (const entry of result.result.requirementsFor ?? []) {
      const key = `${result.cataloger}\0${entry.path}`;
      requirements.set(key, [...(requirements.get(key) ?? []), ...entry.requires]);
    }
  }
  return requirements;
}

/** A record with the requirements kept beside its metadata file added to its own. */
function withRequirements(
  record: PackageRecord,
  beside: readonly (readonly string[])[] | undefined,
): PackageRecord {
  if (!beside || beside.length === 0) return record;
  return { ...record, requires: [...(record.requires ?? []), ...beside] };
}

/** An OS package keeps its own files and licences; where it has none, separate files supply them. */
function withExtras(
  record: PackageRecord,
  extras: ReadonlyMap<string, PackageExtras>,
): PackageRecord {
  if (!OS_PACKAGE_TYPES.has(record.type)) return record;
  const extra = extras.get(`${record.type}\0${record.name}`);
  if (!extra) return record;
  const files = record.files === undefined && extra.files.length > 0 ? { files: extra.files } : {};
  const licenses =
    record.licenses === undefined && extra.licenses.length > 0 ? { licenses: extra.licenses } : {};
  return { ...record, ...files, ...licenses };
}

/**
 * Joins the squashed results into packages: purls (with the distro), locations with layers,
 * file ownership by OS packages, files and licences kept in separate files, and one package
 * per (purl, real file) with every path it is reached by.
 */
export function finalizePackages(
  view: SquashedView,
  os: OsInfo | undefined,
  layers: readonly LayerRef[],
  pickers: ReadonlyMap<string, DependencyPicker> = new Map(),
): Package[] {
  const extras = collectExtras(view);
  const requirements = collectRequirements(view);
  const owners = new Map<string, { type: PackageType; name: string }>();
  const canonical = canonicalPathResolver(view.links);
  const addOwner = (type: PackageType, name: string, file: string): void => {
    owners.set(canonical(normalizeOwnedPath(file)), { type, name });
  };
  for (const result of view.results) {
    for (const list of result.result.fileOwners ?? []) {
      for (const file of list.files) addOwner(list.type, list.packageName, file);
    }
    for (const record of result.result.packages ?? []) {
      for (const file of record.files ?? []) addOwner(record.type, record.name, file);
    }
  }

  const byKey = new Map<string, Package>();
  for (const result of view.results) {
    const layer = layers[result.layerIndex];
    for (const record of result.result.packages ?? []) {
      const outer = result.accessPath;
      const path = record.innerPath ? `${outer}!${record.innerPath}` : outer;
      const location: Location = {
        path,
        layerDiffId: layer?.diffId,
        layerDigest: layer?.digest,
        layerIndex: result.layerIndex,
      };
      const purl = purlFor(record, os);
      const realPath = record.innerPath ? `${result.path}!${record.innerPath}` : result.path;
      const key = OS_PACKAGE_TYPES.has(record.type)
        ? `${purl}\0${result.cataloger}`
        : `${purl}\0${realPath}`;
      const existing = byKey.get(key);
      if (existing) {
        if (!existing.locations.some((known) => known.path === path)) {
          byKey.set(key, { ...existing, locations: [...existing.locations, location] });
        }
        continue;
      }
      const owner = OS_PACKAGE_TYPES.has(record.type) ? undefined : owners.get(canonical(outer));
      const beside = record.innerPath
        ? undefined
        : requirements.get(`${result.cataloger}\0${result.path}`);
      byKey.set(key, {
        ...withExtras(withRequirements(record, beside), extras),
        id: packageId(record.type, record.name, record.version, path),
        purl,
        cataloger: result.cataloger,
        locations: [location],
        ...(owner ? { ownedBy: owner } : {}),
      });
    }
  }
  return resolveDependencies(
    [...byKey.values()].sort(comparePackages),
    (path) => owners.get(canonical(normalizeOwnedPath(path))),
    pickers,
    { realPath: canonical },
  );
}

export function comparePackages(a: Package, b: Package): number {
  return (
    a.type.localeCompare(b.type) ||
    a.name.localeCompare(b.name) ||
    a.version.localeCompare(b.version) ||
    (a.locations[0]?.path ?? '').localeCompare(b.locations[0]?.path ?? '')
  );
}
