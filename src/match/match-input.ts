import type { Catalog, OsInfo, Package } from '../catalog/index.js';

/** The part of a package the matcher reads (no file lists, licences or metadata). */
export type MatchPackage = Pick<
  Package,
  | 'id'
  | 'type'
  | 'name'
  | 'version'
  | 'namespace'
  | 'epoch'
  | 'source'
  | 'purl'
  | 'qualifiers'
  | 'ownedBy'
  | 'locations'
>;

/** What re-matching needs of a stored SBOM: a small fraction of the catalog, cheap to store and parse. */
export interface MatchInput {
  readonly os: OsInfo | undefined;
  readonly packages: readonly MatchPackage[];
}

/** Strips a catalog to its match input (first location kept, for reporting where). */
export function toMatchInput(catalog: Pick<Catalog, 'os' | 'packages'>): MatchInput {
  return {
    os: catalog.os,
    packages: catalog.packages.map((pkg) => ({
      id: pkg.id,
      type: pkg.type,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      ...(pkg.namespace === undefined ? {} : { namespace: pkg.namespace }),
      ...(pkg.epoch === undefined ? {} : { epoch: pkg.epoch }),
      ...(pkg.source === undefined ? {} : { source: pkg.source }),
      ...(pkg.qualifiers === undefined ? {} : { qualifiers: pkg.qualifiers }),
      ...(pkg.ownedBy === undefined ? {} : { ownedBy: pkg.ownedBy }),
      locations: pkg.locations.slice(0, 1),
    })),
  };
}
