import type { Readable } from 'node:stream';
import {
  blobLayers,
  ImageError,
  isIndexMediaType,
  layerCompression,
  MediaType,
  parseJsonDocument,
  resolveImage,
  verifyDigest,
  imageIndexSchema,
  imageManifestSchema,
  type BlobFetcher,
  type Descriptor,
  type Image,
  type ImageIndex,
} from '../../oci/index.js';
import type { BlobStore } from '../../store/index.js';

// Manifests and configs are read whole; anything bigger than this is not one.
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/** Counts what the scanner reads from registry storage (the rescan test proves it reads nothing). */
export interface BlobReadCounter {
  blobReads: number;
}

async function readAll(stream: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      throw new ImageError('SIZE_LIMIT', `${what}: larger than ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads image blobs straight from the registry's blob store: no HTTP, no network. Manifests live
 * in the registry's metadata, not the blob store, so the one being scanned is handed in.
 */
export function storeFetcher(
  blobs: BlobStore,
  what: string,
  counter: BlobReadCounter,
  manifest: { digest: string; content: Buffer },
): BlobFetcher {
  return {
    async readVerified(descriptor) {
      if (descriptor.digest === manifest.digest) {
        verifyDigest(manifest.content, manifest.digest, `${what}: manifest`);
        return manifest.content;
      }
      counter.blobReads += 1;
      const stream = await blobs.get(descriptor.digest);
      if (!stream)
        throw new ImageError(
          'BLOB_UNKNOWN',
          `${what}: blob ${descriptor.digest} is not in registry storage`,
        );
      const bytes = await readAll(stream, MAX_DOCUMENT_BYTES, `${what}: blob ${descriptor.digest}`);
      verifyDigest(bytes, descriptor.digest, `${what}: blob ${descriptor.digest}`);
      return bytes;
    },
    async openBlob(descriptor: Descriptor) {
      counter.blobReads += 1;
      const stream = await blobs.get(descriptor.digest);
      if (!stream)
        throw new ImageError(
          'BLOB_UNKNOWN',
          `${what}: layer ${descriptor.digest} is not in registry storage`,
        );
      return stream;
    },
  };
}

const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig]);

/** What a pushed manifest is, for the scanner: an image to scan, an index of them, or something else. */
export type ManifestKind =
  | { readonly kind: 'image' }
  | {
      readonly kind: 'index';
      readonly children: readonly {
        readonly digest: string;
        readonly mediaType: string;
        readonly platform: string | undefined;
      }[];
    }
  | { readonly kind: 'artifact'; readonly reason: string };

function platformText(descriptor: Descriptor): string | undefined {
  const p = descriptor.platform;
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined;
}

/**
 * Tells images from everything else pushed as a manifest. An image has an image config and only
 * tar layers; a signature, an SBOM attestation or a Helm chart does not, and is not scanned
 * (nor blocked as "unscanned" by a pull gate). Index entries that are attestations are skipped.
 */
export function classifyManifest(content: Buffer, mediaType: string, what: string): ManifestKind {
  if (isIndexMediaType(mediaType)) {
    const index: ImageIndex = parseJsonDocument(content, imageIndexSchema, `${what}: index`);
    const children = index.manifests
      .filter(
        (entry) => entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
      )
      .map((entry) => ({
        digest: entry.digest,
        mediaType: entry.mediaType,
        platform: platformText(entry),
      }));
    return { kind: 'index', children };
  }
  const manifest = parseJsonDocument(content, imageManifestSchema, `${what}: manifest`);
  if (!IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
    return {
      kind: 'artifact',
      reason: `config media type ${manifest.config.mediaType} is not an image config`,
    };
  }
  const notTar = manifest.layers.find((layer) => layerCompression(layer.mediaType) === undefined);
  if (notTar)
    return { kind: 'artifact', reason: `layer media type ${notTar.mediaType} is not a tar layer` };
  if (manifest.artifactType !== undefined)
    return { kind: 'artifact', reason: `artifact type ${manifest.artifactType}` };
  return { kind: 'image' };
}

/** Opens an image manifest stored in the registry as an Image the catalog reads. */
export async function openStoredImage(
  blobs: BlobStore,
  repository: string,
  descriptor: { readonly digest: string; readonly mediaType: string; readonly content: Buffer },
  counter: BlobReadCounter,
): Promise<Image> {
  const what = `${repository}@${descriptor.digest}`;
  const fetcher = storeFetcher(blobs, what, counter, {
    digest: descriptor.digest,
    content: descriptor.content,
  });
  // The platform only matters for indexes; images are scanned one manifest at a time.
  const resolved = await resolveImage(
    fetcher,
    { digest: descriptor.digest, mediaType: descriptor.mediaType },
    { os: 'linux', architecture: 'amd64' },
    what,
  );
  return {
    kind: 'registry',
    name: what,
    manifestDigest: resolved.manifestDigest,
    configDigest: resolved.configDigest,
    manifest: resolved.manifest,
    config: resolved.config,
    layers: blobLayers(fetcher, resolved),
    repoTags: [],
    platform: resolved.platform,
    close: () => Promise.resolve(),
  };
}
