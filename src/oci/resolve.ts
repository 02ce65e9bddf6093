import type { Readable } from 'node:stream';
import { ImageError } from './errors.js';
import { historyForLayers, type BlobLayer } from './image.js';
import { isIndexMediaType, MediaType } from './media-types.js';
import { parseJsonDocument } from './parse-json.js';
import { printable } from './printable.js';
import { formatPlatform, platformMatches, type PlatformSpec } from './platform.js';
import {
  imageConfigSchema,
  imageIndexSchema,
  imageManifestSchema,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './schemas.js';

/** Where a resolver gets blobs from: an OCI layout, a registry, an archive. */
export interface BlobFetcher {
  /** Reads a small blob (manifest, index, config) whole, verified against its descriptor. */
  readVerified(
    descriptor: Pick<Descriptor, 'digest' | 'mediaType'> & { size?: number },
  ): Promise<Buffer>;
  /** Opens a layer blob as a stream (the layer reader verifies it). */
  openBlob(descriptor: Descriptor): Promise<Readable>;
  /** Where a blob sits in a local file, for fetchers backed by one (OCI layout dirs, archives). */
  locate?(descriptor: Descriptor): { path: string; offset: number; size: number } | undefined;
}

export interface ResolvedImage {
  readonly manifestDigest: string;
  readonly manifest: ImageManifest;
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly platform: PlatformSpec | undefined;
}

const MAX_INDEX_DEPTH = 8;

/** The media type a manifest-or-index document declares, for descriptors that did not say. */
function documentMediaType(bytes: Buffer): string | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as {
      mediaType?: unknown;
      manifests?: unknown;
    };
    if (typeof value.mediaType === 'string') return value.mediaType;
    return Array.isArray(value.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  } catch {
    return undefined;
  }
}

/** Picks the entry of an index for a platform, skipping attestation manifests. */
export function selectFromIndex(
  index: ImageIndex,
  platform: PlatformSpec,
  what: string,
): Descriptor {
  const candidates = index.manifests.filter(
    (entry) => entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
  );
  const withPlatform = candidates.filter((entry) => entry.platform !== undefined);
  if (withPlatform.length === 0 && candidates.length === 1 && candidates[0]) return candidates[0];
  if (withPlatform.length === 0) {
    throw new ImageError(
      'MANIFEST_UNKNOWN',
      `${what}: the index lists ${candidates.length} manifests with neither platform nor name to choose by`,
    );
  }
  const match = withPlatform.find(
    (entry) => entry.platform && platformMatches(entry.platform, platform),
  );
  if (match) return match;
  const available = withPlatform.map((entry) =>
    entry.platform ? formatPlatform(entry.platform) : '?',
  );
  throw new ImageError(
    'PLATFORM_NOT_FOUND',
    `${what}: no manifest for platform ${formatPlatform(platform)} (available: ${available.join(', ') || 'none'})`,
  );
}

/** Follows a descriptor through nested indexes to one image manifest and its config. */
export async function resolveImage(
  fetcher: BlobFetcher,
  descriptor: Pick<Descriptor, 'digest' | 'mediaType'> & { size?: number },
  platform: PlatformSpec,
  what: string,
): Promise<ResolvedImage> {
  let current = descriptor;
  let chosenPlatform: PlatformSpec | undefined;
  for (let depth = 0; depth < MAX_INDEX_DEPTH; depth += 1) {
    const bytes = await fetcher.readVerified(current);
    const mediaType = current.mediaType || documentMediaType(bytes);
    if (
      isIndexMediaType(mediaType) ||
      (mediaType === undefined && documentMediaType(bytes) === MediaType.ociIndex)
    ) {
      const index = parseJsonDocument(bytes, imageIndexSchema, `${what}: index ${current.digest}`);
      const next = selectFromIndex(index, platform, what);
      chosenPlatform = next.platform;
      current = next;
      continue;
    }
    const manifest = parseJsonDocument(
      bytes,
      imageManifestSchema,
      `${what}: manifest ${current.digest}`,
    );
    const declared = manifest.mediaType ?? mediaType;
    if (declared !== MediaType.ociManifest && declared !== MediaType.dockerManifest) {
      throw new ImageError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${what}: unsupported manifest media type "${printable(declared ?? 'none')}"`,
      );
    }
    const configBytes = await fetcher.readVerified(manifest.config);
    const config = parseConfig(configBytes, manifest.config, current.digest, what);
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new ImageError(
        'MANIFEST_INVALID',
        `${what}: manifest ${current.digest} lists ${manifest.layers.length} layers but config has ${config.rootfs.diff_ids.length} diff_ids`,
      );
    }
    return {
      manifestDigest: current.digest,
      manifest,
      configDigest: manifest.config.digest,
      config,
      platform:
        chosenPlatform ??
        (config.os
          ? {
              os: config.os,
              architecture: config.architecture,
              ...(config.variant ? { variant: config.variant } : {}),
            }
          : undefined),
    };
  }
  throw new ImageError(
    'MANIFEST_INVALID',
    `${what}: image indexes nested deeper than ${MAX_INDEX_DEPTH}`,
  );
}

const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig]);

/**
 * Parses an image config. A manifest whose config is not an image config and does not parse as
 * one is an OCI artifact (a Helm chart, a signature, an SBOM): say so rather than list fields.
 */
function parseConfig(
  bytes: Buffer,
  descriptor: Descriptor,
  manifestDigest: string,
  what: string,
): ImageConfig {
  if (IMAGE_CONFIG_TYPES.has(descriptor.mediaType)) {
    return parseJsonDocument(bytes, imageConfigSchema, `${what}: config ${descriptor.digest}`);
  }
  try {
    return parseJsonDocument(bytes, imageConfigSchema, `${what}: config ${descriptor.digest}`);
  } catch {
    throw new ImageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${what}: manifest ${manifestDigest} is not a container image (config media type "${printable(descriptor.mediaType)}")`,
    );
  }
}

/** The layers of a resolved manifest, read through a fetcher. */
export function blobLayers(fetcher: BlobFetcher, resolved: ResolvedImage): BlobLayer[] {
  const history = historyForLayers(resolved.config, resolved.manifest.layers.length);
  return resolved.manifest.layers.map((descriptor, index) => ({
    kind: 'blob',
    index,
    digest: descriptor.digest,
    diffId: resolved.config.rootfs.diff_ids[index],
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    history: history[index],
    open: () => fetcher.openBlob(descriptor),
    file: fetcher.locate?.(descriptor),
  }));
}
