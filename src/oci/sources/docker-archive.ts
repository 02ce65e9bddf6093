import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { ImageError } from '../errors.js';
import { isDigest, sha256, verifyDigest } from '../digest.js';
import { historyForLayers, type BlobLayer, type Image } from '../image.js';
import { MediaType } from '../media-types.js';
import { parseJsonDocument } from '../parse-json.js';
import type { PlatformSpec } from '../platform.js';
import { dockerArchiveManifestSchema, imageConfigSchema } from '../schemas.js';
import { indexTar, type TarMember } from './tar-index.js';

export interface DockerArchiveOptions {
  readonly name: string;
  /** `docker-archive:FILE:REF` picks one image of a multi-image archive by tag. */
  readonly tag?: string | undefined;
  readonly platform: PlatformSpec;
  /** Where a compressed archive is unpacked to while it is read (inside the data directory). */
  readonly tmpDir: string;
}

async function readMember(file: FileHandle, member: TarMember): Promise<Buffer> {
  const data = Buffer.alloc(member.size);
  await file.read(data, 0, member.size, member.offset);
  return data;
}

/** Follows symlinks between archive members (docker save links identical layers). */
function findMember(members: Map<string, TarMember>, name: string, what: string): TarMember {
  let current = posix.normalize(name).replace(/^(\.\/)+/, '');
  for (let hops = 0; hops < 16; hops += 1) {
    const member = members.get(current);
    if (!member) throw new ImageError('BLOB_UNKNOWN', `${what}: archive member "${name}" is missing`);
    if (member.type !== 'symlink' && member.type !== 'hardlink') return member;
    current =
      member.type === 'symlink' && !member.linkname.startsWith('/')
        ? posix.normalize(posix.join(posix.dirname(current), member.linkname))
        : member.linkname.replace(/^\/+/, '');
  }
  throw new ImageError('SYMLINK_LOOP', `${what}: archive member "${name}" is a symlink loop`);
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The digest a member name implies (`blobs/sha256/<hex>` or `<hex>.json`), if any. */
function digestFromName(name: string): string | undefined {
  const blob = /^blobs\/(?<alg>sha256|sha512)\/(?<hex>[a-f0-9]+)$/.exec(name);
  if (blob?.groups) return `${blob.groups['alg']}:${blob.groups['hex']}`;
  const config = /^(?<hex>[a-f0-9]{64})\.json$/.exec(name);
  if (config?.groups) return `sha256:${config.groups['hex']}`;
  return undefined;
}

/** Opens a `docker save` archive (classic `manifest.json` layout, or OCI-in-docker blobs). */
export async function openDockerArchive(path: string, options: DockerArchiveOptions): Promise<Image> {
  const what = options.name;
  let archivePath = path;
  let tempDir: string | undefined;
  if (await isGzip(path)) {
    tempDir = await mkdtemp(join(options.tmpDir, 'archive-'));
    archivePath = join(tempDir, 'archive.tar');
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(archivePath));
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw new ImageError('LAYER_CORRUPT', `${what}: corrupt gzip archive (${(error as Error).message})`);
    }
  }
  const file = await open(archivePath, 'r');
  const cleanup = async (): Promise<void> => {
    await file.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const members = await indexTar(file, what);
    const manifestMember = members.get('manifest.json');
    if (!manifestMember) {
      throw new ImageError('MANIFEST_UNKNOWN', `${what}: not a docker archive (no manifest.json)`);
    }
    const manifest = parseJsonDocument(await readMember(file, manifestMember), dockerArchiveManifestSchema, `${what}: manifest.json`);
    const entry = options.tag
      ? manifest.find((item) => (item.RepoTags ?? []).some((t) => t === options.tag || t.endsWith(`:${options.tag}`)))
      : manifest[0];
    if (!entry) {
      throw new ImageError('MANIFEST_UNKNOWN', `${what}: no image ${options.tag ? `tagged "${options.tag}"` : ''} in the archive`);
    }
    if (!options.tag && manifest.length > 1) {
      throw new ImageError('MANIFEST_UNKNOWN', `${what}: the archive holds ${manifest.length} images; name one as docker-archive:FILE:TAG`);
    }
    const configMember = findMember(members, entry.Config, what);
    const configBytes = await readMember(file, configMember);
    const configDigest = digestFromName(entry.Config) ?? sha256(configBytes);
    verifyDigest(configBytes, configDigest, `${what}: config ${entry.Config}`);
    const config = parseJsonDocument(configBytes, imageConfigSchema, `${what}: config ${entry.Config}`);
    if (config.rootfs.diff_ids.length !== entry.Layers.length) {
      throw new ImageError('MANIFEST_INVALID', `${what}: manifest.json lists ${entry.Layers.length} layers but the config has ${config.rootfs.diff_ids.length} diff_ids`);
    }
    const history = historyForLayers(config, entry.Layers.length);
    const layers: BlobLayer[] = entry.Layers.map((layerName, index) => {
      const member = findMember(members, layerName, what);
      const named = digestFromName(layerName);
      const source = named ? entry.LayerSources?.[named] : undefined;
      return {
        kind: 'blob',
        index,
        // Classic `<id>/layer.tar` members carry no blob digest; the diff_id still verifies them.
        digest: named && isDigest(named) ? named : undefined,
        diffId: config.rootfs.diff_ids[index],
        mediaType: source?.mediaType ?? MediaType.dockerLayer,
        size: member.size,
        history: history[index],
        open: () =>
          Promise.resolve(
            member.size === 0
              ? Readable.from([])
              : createReadStream(archivePath, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 1024 * 1024 }),
          ),
      };
    });
    const platform = config.os ? { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) } : undefined;
    return {
      kind: 'docker-archive',
      name: options.name,
      manifestDigest: undefined,
      configDigest,
      manifest: undefined,
      config,
      layers,
      repoTags: entry.RepoTags ?? [],
      platform,
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
