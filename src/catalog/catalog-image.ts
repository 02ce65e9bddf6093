import { allCatalogers } from './api.js';
import { buildCatalog, type CatalogProgress } from './build-catalog.js';
import { catalogCache, catalogersFingerprint } from './cache.js';
import type { Catalog } from './catalog.js';
import type { Cataloger } from './cataloger.js';
import { selectPackageKinds, type PackageKind } from './narrow.js';
import { skipPaths, type SkipPaths } from './skip-paths.js';
import { openImage, type PlatformSpec, type RegistryOptions } from '../oci/index.js';
import {
  ensureDataDir,
  memoryKeyValueStore,
  openKeyValueStore,
  type KeyValueStore,
} from '../store/index.js';

export interface CatalogImageOptions {
  readonly dataDir: string;
  readonly platform?: PlatformSpec | undefined;
  readonly registry?: RegistryOptions | undefined;
  /** Skip the layer and catalog cache (neither read nor written). */
  readonly noCache?: boolean | undefined;
  readonly maxLayerBytes?: number | undefined;
  readonly catalogers?: readonly Cataloger[] | undefined;
  readonly onProgress?: ((event: CatalogProgress) => void) | undefined;
  /** Folders and files whose findings are left out (`--skip-dirs`, `--skip-files`). */
  readonly skip?: SkipPaths | undefined;
  /** Only the packages of these kinds (`--pkg-types`); all when undefined. */
  readonly packageKinds?: readonly PackageKind[] | undefined;
}

/** A catalog with what a run leaves out (`--skip-dirs`, `--skip-files`, `--pkg-types`) left out. */
export function narrowCatalog(
  catalog: Catalog,
  options: Pick<CatalogImageOptions, 'skip' | 'packageKinds'>,
): Catalog {
  const skipped = options.skip ? skipPaths(catalog, options.skip) : catalog;
  return options.packageKinds ? selectPackageKinds(skipped, options.packageKinds) : skipped;
}

/**
 * The SBOM workflow: open the image (any source kind), catalog it through the per-layer cache in
 * the data directory, close it. `lockyard sbom`, `lockyard scan` and the registry's scan on push
 * all start here.
 */
export async function catalogImage(input: string, options: CatalogImageOptions): Promise<Catalog> {
  const layout = ensureDataDir(options.dataDir);
  const catalogers = options.catalogers ?? allCatalogers();
  const store: KeyValueStore = options.noCache
    ? memoryKeyValueStore()
    : openKeyValueStore(layout.cacheDb);
  try {
    const image = await openImage(input, {
      tmpDir: layout.tmp,
      platform: options.platform,
      registry: options.registry,
    });
    try {
      const catalog = await buildCatalog(image, {
        catalogers,
        cache: catalogCache(store, catalogersFingerprint(catalogers)),
        maxLayerBytes: options.maxLayerBytes,
        onProgress: options.onProgress,
      });
      // After the cache: cached layers and catalogs stay whole, whatever a run leaves out.
      return narrowCatalog(catalog, options);
    } finally {
      await image.close();
    }
  } finally {
    store.close();
  }
}
