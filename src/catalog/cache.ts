import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { KeyValueStore } from '../store/index.js';
import type { Cataloger } from './cataloger.js';
import type { Catalog } from './catalog.js';
import { CatalogError } from './errors.js';
import type { LayerAnalysis } from './layer-analysis.js';
import type { Package } from './types.js';

/**
 * Bumped when the shape of LayerAnalysis or Catalog, how they are stored, or how a catalog is
 * made from the layers' results (dependency resolution, `catalog/dependencies.ts`) changes.
 * 3: `dependsOn`, the image purl, the dependency resolution rules.
 */
const CACHE_FORMAT = 3;

/** Identifies a set of catalogers at their versions: part of every cache key. */
export function catalogersFingerprint(catalogers: readonly Cataloger[]): string {
  const text = [
    `format=${CACHE_FORMAT}`,
    ...catalogers.map((c) => `${c.id}@${c.version}`).sort(),
  ].join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function encode(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value), { level: constants.Z_BEST_SPEED });
}

/** Cached values are our own JSON; an unreadable entry is a cache miss, not an error. */
function decode(bytes: Buffer | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Layer analyses by diff_id and whole catalogs by image ID, for one cataloger fingerprint. */
export interface CatalogCache {
  getLayer(diffId: string): LayerAnalysis | undefined;
  putLayer(diffId: string, analysis: LayerAnalysis): void;
  getCatalog(imageId: string): Catalog | undefined;
  putCatalog(imageId: string, catalog: Catalog): void;
}

export function catalogCache(store: KeyValueStore, fingerprint: string): CatalogCache {
  return {
    getLayer: (diffId) =>
      decode(store.get('layer', `${diffId}:${fingerprint}`)) as LayerAnalysis | undefined,
    putLayer: (diffId, analysis) => {
      store.put('layer', `${diffId}:${fingerprint}`, encode(analysis));
    },
    getCatalog: (imageId) => {
      const key = `${imageId}:${fingerprint}`;
      // Both entries or neither: the file lists are written first, so a catalog without them
      // (a crash in between, a damaged row) is a miss, not a catalog with files missing.
      const files = store.get('catalog-files', key);
      const catalog = files && (decode(store.get('catalog', key)) as StoredCatalog | undefined);
      return catalog ? withLazyFiles(catalog, files, key) : undefined;
    },
    putCatalog: (imageId, catalog) => {
      const key = `${imageId}:${fingerprint}`;
      const files = catalog.packages.map((pkg) => pkg.files ?? null);
      store.put('catalog-files', key, encode(files));
      store.put('catalog', key, encode(slimCatalog(catalog)));
    },
  };
}

/**
 * A catalog as stored: each package's file list (three quarters of the bytes of a Debian image's
 * catalog, and needed only by the `json` format) is kept in a separate entry and replaced here by
 * its length, so a warm run that renders CycloneDX, SPDX or a table never decodes them.
 */
type StoredPackage = Omit<Package, 'files'> & { readonly files?: number };
type StoredCatalog = Omit<Catalog, 'packages'> & { readonly packages: StoredPackage[] };

function slimCatalog(catalog: Catalog): StoredCatalog {
  return {
    ...catalog,
    packages: catalog.packages.map(({ files, ...rest }) =>
      files === undefined ? rest : { ...rest, files: files.length },
    ),
  };
}

/** The stored catalog with `files` back on each package, decoded on first read of any of them. */
function withLazyFiles(stored: StoredCatalog, bytes: Buffer, key: string): Catalog {
  let lists: (readonly string[] | null)[] | undefined;
  const load = (): (readonly string[] | null)[] => {
    lists ??= decode(bytes) as (readonly string[] | null)[] | undefined;
    if (!Array.isArray(lists) || lists.length !== stored.packages.length)
      throw new CatalogError(
        'CACHE_CORRUPT',
        `cached file lists of ${key} are unreadable; run again with --no-cache`,
        { details: { key } },
      );
    return lists;
  };
  stored.packages.forEach((pkg, index) => {
    if (pkg.files === undefined) return;
    Object.defineProperty(pkg, 'files', {
      get: () => load()[index] ?? undefined,
      enumerable: true,
      configurable: true,
    });
  });
  // Every package that had files now reads them through its getter again.
  return stored as unknown as Catalog;
}
