import { open, stat } from 'node:fs/promises';
import {
  allCatalogers,
  catalogImage,
  narrowCatalog,
  type Catalog,
  type Cataloger,
  type CatalogProgress,
  type PackageKind,
  type SkipPaths,
} from '../catalog/index.js';
import { permissionAnalyzer } from '../misconfig/index.js';
import type { PlatformSpec, RegistryOptions } from '../oci/index.js';
import { looksLikeSbom, readSbom } from '../sbom/index.js';
import { secretAnalyzer } from '../secrets/index.js';
import type { Scanner } from '../report/index.js';

export interface TargetOptions {
  readonly dataDir: string;
  readonly scanners: readonly Scanner[];
  readonly platform?: PlatformSpec | undefined;
  readonly registry?: RegistryOptions | undefined;
  readonly noCache?: boolean | undefined;
  readonly maxLayerBytes?: number | undefined;
  readonly onProgress?: ((event: CatalogProgress) => void) | undefined;
  /** Folders and files whose findings are left out (`--skip-dirs`, `--skip-files`). */
  readonly skip?: SkipPaths | undefined;
  /** Only the packages of these kinds (`--pkg-types`); all when undefined. */
  readonly packageKinds?: readonly PackageKind[] | undefined;
}

async function isSbomFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return looksLikeSbom(head.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** The analyzers the layer pass runs for a set of scanners: catalogers, plus secrets and permissions. */
export function analyzersFor(scanners: readonly Scanner[]): Cataloger[] {
  return [
    ...allCatalogers(),
    ...(scanners.includes('secret') ? [secretAnalyzer] : []),
    ...(scanners.includes('misconfig') ? [permissionAnalyzer] : []),
  ];
}

/** An image is catalogued (layers cached); a CycloneDX or SPDX JSON file is read as it is. */
export async function loadTarget(
  target: string,
  options: TargetOptions,
): Promise<{ catalog: Catalog; type: 'image' | 'sbom' }> {
  if (await isSbomFile(target)) {
    const catalog = await readSbom(target);
    return { catalog: narrowCatalog(catalog, options), type: 'sbom' };
  }
  const catalog = await catalogImage(target, {
    ...options,
    catalogers: analyzersFor(options.scanners),
  });
  return { catalog, type: 'image' };
}
