import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { KeyValueStore } from '../store/index.js';
import type { Cataloger } from './cataloger.js';
import type { Catalog } from './catalog.js';
import type { LayerAnalysis } from './layer-analysis.js';

/** Bumped when the shape of LayerAnalysis or Catalog changes. */
const CACHE_FORMAT = 1;

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
    getCatalog: (imageId) =>
      decode(store.get('catalog', `${imageId}:${fingerprint}`)) as Catalog | undefined,
    putCatalog: (imageId, catalog) => {
      store.put('catalog', `${imageId}:${fingerprint}`, encode(catalog));
    },
  };
}
