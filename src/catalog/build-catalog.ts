import { availableParallelism } from 'node:os';
import { formatPlatform, ImageError, type Image, type Layer } from '../oci/index.js';
import { analyzeLayer } from './analyze-layer.js';
import type { CatalogCache } from './cache.js';
import type { Cataloger } from './cataloger.js';
import type { Catalog, ImageSummary } from './catalog.js';
import { finalizePackages, pickOs } from './finalize.js';
import type { LayerAnalysis } from './layer-analysis.js';
import type { Package } from './types.js';
import { imagePurl } from './image-purl.js';
import { loadPurlLibrary } from './purl-library.js';
import { squash, type SquashedView } from './squash.js';
import type { LocatedFileFinding } from './file-finding.js';

export type CatalogProgress =
  | {
      readonly kind: 'layer-start';
      readonly index: number;
      readonly total: number;
      readonly size: number | undefined;
      readonly cached: boolean;
    }
  | { readonly kind: 'layer-entries'; readonly index: number; readonly entries: number }
  /** The layer's blob is open: how many of its `size` bytes are read, how many entries seen. */
  | {
      readonly kind: 'layer-open';
      readonly index: number;
      readonly bytesDone: () => number;
      readonly entriesSeen: () => number;
    }
  | { readonly kind: 'layer-done'; readonly index: number; readonly cached: boolean };

export interface BuildCatalogOptions {
  readonly catalogers: readonly Cataloger[];
  readonly cache?: CatalogCache | undefined;
  readonly maxLayerBytes?: number | undefined;
  readonly maxFileBytes?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly onProgress?: ((event: CatalogProgress) => void) | undefined;
}

export function summarizeImage(image: Image): ImageSummary {
  return {
    name: image.name,
    kind: image.kind,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    repoTags: image.repoTags,
    purl: imagePurl(image),
    platform: image.platform ? formatPlatform(image.platform) : undefined,
    created: image.config.created,
    layers: image.layers.map((layer) => ({
      index: layer.index,
      digest: layer.digest,
      diffId: layer.diffId,
      mediaType: layer.mediaType,
      size: layer.size,
      createdBy: layer.history?.created_by,
    })),
    config: image.config,
  };
}

/** Distroless images keep one dpkg stanza file per package in status.d and no status file. */
function detectDistroless(view: SquashedView, prettyName: string | undefined): boolean {
  if (prettyName?.toLowerCase().includes('distroless')) return true;
  const dpkgPaths = view.results.filter((r) => r.cataloger === 'dpkg').map((r) => r.path);
  return (
    dpkgPaths.some((p) => p.startsWith('var/lib/dpkg/status.d/')) &&
    !dpkgPaths.includes('var/lib/dpkg/status')
  );
}

/** Findings from every layer's analysis, marked visible when the final image still shows that file. */
function locateFindings(
  analyses: readonly LayerAnalysis[],
  view: SquashedView,
  image: Image,
): LocatedFileFinding[] {
  const visible = new Set(view.results.map((result) => `${result.layerIndex}\0${result.path}`));
  const out: LocatedFileFinding[] = [];
  analyses.forEach((analysis, layerIndex) => {
    for (const result of analysis.results) {
      for (const finding of result.result.findings ?? []) {
        out.push({
          ...finding,
          path: result.path,
          layerIndex,
          layerDiffId: image.layers[layerIndex]?.diffId,
          visible: visible.has(`${layerIndex}\0${result.path}`),
        });
      }
    }
  });
  return out;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let index = next++; index < items.length; index = next++) {
      out[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A refine step may drop a package others depend on: those edges go with it. */
function withoutDanglingDependencies(packages: readonly Package[]): Package[] {
  const ids = new Set(packages.map((pkg) => pkg.id));
  return packages.map((pkg) => {
    if (!pkg.dependsOn || pkg.dependsOn.every((id) => ids.has(id))) return pkg;
    const dependsOn = pkg.dependsOn.filter((id) => ids.has(id));
    return { ...pkg, dependsOn: dependsOn.length > 0 ? dependsOn : undefined };
  });
}

/**
 * Catalogs an image: each layer is analysed once (or taken from the cache by diff_id), the
 * analyses are squashed into the final file system's view, and packages are finalized.
 * A warm rescan of an image the cache has seen reads no layer at all.
 */
export async function buildCatalog(image: Image, options: BuildCatalogOptions): Promise<Catalog> {
  const imageId = image.configDigest;
  const cached = imageId ? options.cache?.getCatalog(imageId) : undefined;
  if (cached) {
    // The cached catalog's purl holds unless the image is opened under another name (the purl
    // library is loaded only then: a warm run does not need it otherwise).
    if (cached.image.name === image.name && cached.image.purl !== undefined) return cached;
    await loadPurlLibrary();
    const summary = { ...cached.image, name: image.name };
    return { ...cached, image: { ...summary, purl: imagePurl(summary) } };
  }

  const total = image.layers.length;
  const analyseOne = async (layer: Layer): Promise<LayerAnalysis> => {
    const key = layer.diffId;
    const hit = key ? options.cache?.getLayer(key) : undefined;
    options.onProgress?.({
      kind: 'layer-start',
      index: layer.index,
      total,
      size: layer.size,
      cached: hit !== undefined,
    });
    if (hit) {
      options.onProgress?.({ kind: 'layer-done', index: layer.index, cached: true });
      return hit;
    }
    const analysis = await analyzeLayer(image, layer, options.catalogers, {
      maxLayerBytes: options.maxLayerBytes,
      maxFileBytes: options.maxFileBytes,
      onEntry: (entries) =>
        options.onProgress?.({ kind: 'layer-entries', index: layer.index, entries }),
      onOpen: (bytesDone, entriesSeen) =>
        options.onProgress?.({ kind: 'layer-open', index: layer.index, bytesDone, entriesSeen }),
    });
    if (key) options.cache?.putLayer(key, analysis);
    options.onProgress?.({ kind: 'layer-done', index: layer.index, cached: false });
    return analysis;
  };
  const concurrency = options.concurrency ?? Math.max(2, availableParallelism());
  const analyses = await mapLimited(image.layers, concurrency, analyseOne);

  let view: SquashedView;
  try {
    view = squash(analyses);
  } catch (error) {
    if (error instanceof ImageError)
      throw new ImageError(error.code, `${image.name}: ${error.message}`, {
        cause: error,
        details: { ...error.details, image: image.name },
      });
    throw error;
  }
  await loadPurlLibrary();
  const os = pickOs(view.results);
  const pickers = new Map(
    options.catalogers.flatMap((cataloger) =>
      cataloger.pickDependency ? [[cataloger.id, cataloger.pickDependency] as const] : [],
    ),
  );
  let packages = finalizePackages(view, os, image.layers, pickers);
  for (const cataloger of options.catalogers)
    if (cataloger.refine) packages = cataloger.refine(packages);
  packages = withoutDanglingDependencies(packages);
  const catalog: Catalog = {
    schemaVersion: 1,
    image: summarizeImage(image),
    os,
    distroless: detectDistroless(view, os?.prettyName),
    packages,
    findings: locateFindings(analyses, view, image),
    warnings: [...analyses.flatMap((analysis) => analysis.warnings), ...view.warnings],
  };
  if (imageId) options.cache?.putCatalog(imageId, catalog);
  return catalog;
}
