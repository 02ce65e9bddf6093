import { ImageError } from '../errors.js';
import { isDigest, sha256, verifyDigest } from '../digest.js';
import { historyForLayers, type BlobLayer, type Image } from '../image.js';
import { MediaType } from '../media-types.js';
import { parseJsonDocument } from '../parse-json.js';
import type { PlatformSpec } from '../platform.js';
import { blobLayers, resolveImage, type ResolvedImage } from '../resolve.js';
import { dockerArchiveManifestSchema, imageConfigSchema, imageIndexSchema } from '../schemas.js';
import { pickImage } from './image-names.js';
import { selectLayoutEntry } from './oci-layout.js';
import { TarArchive } from './tar-archive.js';

export interface DockerArchiveOptions {
  readonly name: string;
  /** `docker-archive:FILE:NAME` picks one image of a multi-image archive (or `@N` by position). */
  readonly tag?: string | undefined;
  readonly platform: PlatformSpec;
  /** Where a compressed archive is unpacked to while it is read (inside the data directory). */
  readonly tmpDir: string;
}

/** The digest a member name implies (`blobs/sha256/<hex>` or `<hex>.json`), if any. */
function digestFromName(name: string): string | undefined {
  const normalized = name.replace(/^(?:\.\/)+/, '');
  const blob = /^blobs\/(?<alg>sha256|sha512)\/(?<hex>[a-f0-9]+)$/.exec(normalized);
  if (blob?.groups) return `${blob.groups['alg'] ?? ''}:${blob.groups['hex'] ?? ''}`;
  const config = /^(?<hex>[a-f0-9]{64})\.json$/.exec(normalized);
  if (config?.groups) return `sha256:${config.groups['hex'] ?? ''}`;
  return undefined;
}

/**
 * Opens an image archive: `docker save` in its classic form (`manifest.json`, `<id>/layer.tar`)
 * or docker 25+'s OCI form (`manifest.json` next to `index.json` and `blobs/`), `podman save`
 * and `skopeo copy … docker-archive:`, or an OCI archive (`index.json` and `blobs/` only).
 * Gzip or zstd compressed archives are unpacked to the scratch directory first.
 */
export async function openDockerArchive(
  path: string,
  options: DockerArchiveOptions,
): Promise<Image> {
  const archive = await TarArchive.open(path, options.name, options.tmpDir);
  try {
    if (archive.has('manifest.json')) return await openDockerSave(archive, options);
    if (archive.has('index.json')) return await openOciArchive(archive, options);
    throw new ImageError(
      'MANIFEST_UNKNOWN',
      `${options.name}: not an image archive (no manifest.json or index.json)`,
    );
  } catch (error) {
    await archive.close();
    throw error;
  }
}

async function openDockerSave(archive: TarArchive, options: DockerArchiveOptions): Promise<Image> {
  const what = options.name;
  const manifest = parseJsonDocument(
    await archive.read(archive.find('manifest.json')),
    dockerArchiveManifestSchema,
    `${what}: manifest.json`,
  );
  const entry = pickImage(manifest, (item) => item.RepoTags ?? [], options.tag, what);
  const configBytes = await archive.read(archive.find(entry.Config));
  const configDigest = digestFromName(entry.Config) ?? sha256(configBytes);
  verifyDigest(configBytes, configDigest, `${what}: config ${entry.Config}`);
  const config = parseJsonDocument(
    configBytes,
    imageConfigSchema,
    `${what}: config ${entry.Config}`,
  );
  if (config.rootfs.diff_ids.length !== entry.Layers.length) {
    throw new ImageError(
      'MANIFEST_INVALID',
      `${what}: manifest.json lists ${entry.Layers.length} layers but the config has ${config.rootfs.diff_ids.length} diff_ids`,
    );
  }
  // Docker 25+ also stores the OCI manifest: use it for the manifest digest and layer media types.
  const oci = archive.has('index.json')
    ? await findOciManifest(archive, configDigest, options)
    : undefined;
  const history = historyForLayers(config, entry.Layers.length);
  const layers: BlobLayer[] = entry.Layers.map((layerName, index) => {
    const member = archive.find(layerName);
    const named = digestFromName(layerName);
    const descriptor = oci?.manifest.layers[index];
    const source = named ? entry.LayerSources?.[named] : undefined;
    return {
      kind: 'blob',
      index,
      // Classic `<id>/layer.tar` members carry no blob digest; the diff_id still verifies them.
      digest: named && isDigest(named) ? named : undefined,
      diffId: config.rootfs.diff_ids[index],
      mediaType:
        (descriptor?.digest === named ? descriptor?.mediaType : undefined) ??
        source?.mediaType ??
        MediaType.dockerLayer,
      size: member.size,
      history: history[index],
      open: () => Promise.resolve(archive.stream(member)),
      file: archive.locate(member),
    };
  });
  return {
    kind: 'docker-archive',
    name: options.name,
    manifestDigest: oci?.manifestDigest,
    configDigest,
    manifest: oci?.manifest,
    config,
    layers,
    repoTags: entry.RepoTags ?? [],
    platform:
      oci?.platform ??
      (config.os
        ? {
            os: config.os,
            architecture: config.architecture,
            ...(config.variant ? { variant: config.variant } : {}),
          }
        : undefined),
    close: () => archive.close(),
  };
}

/** The OCI manifest in the archive's index.json whose config is `configDigest`, if any. */
async function findOciManifest(
  archive: TarArchive,
  configDigest: string,
  options: DockerArchiveOptions,
): Promise<ResolvedImage | undefined> {
  try {
    const index = parseJsonDocument(
      await archive.read(archive.find('index.json')),
      imageIndexSchema,
      `${options.name}: index.json`,
    );
    for (const entry of index.manifests) {
      const resolved = await resolveImage(
        archive.fetcher(),
        entry,
        options.platform,
        options.name,
      ).catch(() => undefined);
      if (resolved?.configDigest === configDigest) return resolved;
    }
  } catch {
    // manifest.json is authoritative for a docker archive; a broken index.json only costs metadata.
  }
  return undefined;
}

async function openOciArchive(archive: TarArchive, options: DockerArchiveOptions): Promise<Image> {
  const what = options.name;
  const index = parseJsonDocument(
    await archive.read(archive.find('index.json')),
    imageIndexSchema,
    `${what}: index.json`,
  );
  const top = selectLayoutEntry(index, options.tag, options.platform, what);
  const fetcher = archive.fetcher();
  const resolved = await resolveImage(fetcher, top, options.platform, what);
  const name =
    top.annotations?.['io.containerd.image.name'] ??
    top.annotations?.['org.opencontainers.image.ref.name'] ??
    options.tag;
  return {
    kind: 'oci-archive',
    name: options.name,
    manifestDigest: resolved.manifestDigest,
    configDigest: resolved.configDigest,
    manifest: resolved.manifest,
    config: resolved.config,
    layers: blobLayers(fetcher, resolved),
    repoTags: name ? [name] : [],
    platform: resolved.platform,
    close: () => archive.close(),
  };
}
