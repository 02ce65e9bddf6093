import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../digest.js';
import { MediaType } from '../media-types.js';
import type { Descriptor, HistoryEntry, ImageConfig } from '../schemas.js';
import { buildTar, type TarEntrySpec } from './tar-builder.js';

/** A layer to write: entries to tar, or an already-built blob (compressed or not). */
export type LayerInput =
  | {
      readonly kind: 'entries';
      readonly entries: readonly TarEntrySpec[];
      readonly history?: HistoryEntry;
    }
  | {
      readonly kind: 'blob';
      readonly data: Uint8Array;
      readonly mediaType: string;
      readonly diffId: string;
      readonly history?: HistoryEntry;
    };

export interface ImageInput {
  readonly layers: readonly LayerInput[];
  readonly config?: Partial<
    Pick<ImageConfig, 'config' | 'created' | 'os' | 'architecture' | 'variant'>
  >;
  /** Compression for `entries` layers. */
  readonly compression?: 'gzip' | 'none';
}

export interface WrittenImage {
  readonly manifest: Descriptor;
  readonly configDigest: string;
  readonly layers: readonly { digest: string; diffId: string; mediaType: string; size: number }[];
}

async function writeBlob(root: string, data: Uint8Array): Promise<string> {
  const digest = sha256(data);
  const dir = join(root, 'blobs', 'sha256');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, digest.slice('sha256:'.length)), data);
  return digest;
}

/** Writes an image's blobs into an OCI layout directory and returns its manifest descriptor. */
export async function writeImageBlobs(root: string, image: ImageInput): Promise<WrittenImage> {
  const layers: { digest: string; diffId: string; mediaType: string; size: number }[] = [];
  const history: HistoryEntry[] = [];
  for (const layer of image.layers) {
    if (layer.kind === 'blob') {
      layers.push({
        digest: await writeBlob(root, layer.data),
        diffId: layer.diffId,
        mediaType: layer.mediaType,
        size: layer.data.length,
      });
    } else {
      const tarBytes = await buildTar(layer.entries);
      const gzip = (image.compression ?? 'gzip') === 'gzip';
      const data = gzip ? gzipSync(tarBytes) : tarBytes;
      layers.push({
        digest: await writeBlob(root, data),
        diffId: sha256(tarBytes),
        mediaType: gzip ? MediaType.ociLayerGzip : MediaType.ociLayer,
        size: data.length,
      });
    }
    history.push(
      layer.history ?? { created: '2024-01-01T00:00:00Z', created_by: `layer ${layers.length}` },
    );
  }
  const config = {
    created: image.config?.created ?? '2024-01-01T00:00:00Z',
    architecture: image.config?.architecture ?? 'amd64',
    os: image.config?.os ?? 'linux',
    ...(image.config?.variant ? { variant: image.config.variant } : {}),
    config: image.config?.config ?? {},
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history,
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await writeBlob(root, configBytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((layer) => ({
      mediaType: layer.mediaType,
      digest: layer.digest,
      size: layer.size,
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = await writeBlob(root, manifestBytes);
  return {
    manifest: {
      mediaType: MediaType.ociManifest,
      digest: manifestDigest,
      size: manifestBytes.length,
    },
    configDigest,
    layers,
  };
}

/**
 * Writes a complete OCI image layout holding one image, tagged with `tag` when given.
 * Tests use it to assemble real package databases into real images.
 */
export async function writeOciLayout(
  root: string,
  image: ImageInput,
  tag?: string,
): Promise<WrittenImage> {
  await mkdir(root, { recursive: true });
  const written = await writeImageBlobs(root, image);
  await writeFile(join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const entry = tag
    ? { ...written.manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }
    : written.manifest;
  await writeFile(
    join(root, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry] }),
  );
  return written;
}

/** One platform's image in a multi-platform index. */
export interface IndexEntryInput {
  readonly image: ImageInput;
  readonly platform: {
    readonly os: string;
    readonly architecture: string;
    readonly variant?: string;
  };
}

/**
 * Writes an OCI layout whose `index.json` names one image index (tagged `tag`) that lists an
 * image per platform: what `docker buildx` and `skopeo copy --all` produce for multi-arch images.
 */
export async function writeOciIndex(
  root: string,
  entries: readonly IndexEntryInput[],
  tag?: string,
): Promise<Descriptor> {
  await mkdir(root, { recursive: true });
  const manifests: Descriptor[] = [];
  for (const entry of entries) {
    const { os, architecture, variant } = entry.platform;
    const written = await writeImageBlobs(root, {
      ...entry.image,
      config: { ...entry.image.config, os, architecture, ...(variant ? { variant } : {}) },
    });
    manifests.push({
      ...written.manifest,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
  }
  const indexBytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }),
  );
  const digest = await writeBlob(root, indexBytes);
  const descriptor: Descriptor = { mediaType: MediaType.ociIndex, digest, size: indexBytes.length };
  const top = tag
    ? { ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } }
    : descriptor;
  await writeFile(join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(root, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [top] }),
  );
  return descriptor;
}
