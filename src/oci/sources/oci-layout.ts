import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ImageError } from '../errors.js';
import { parseDigest, verifyDigest } from '../digest.js';
import type { Image } from '../image.js';
import { parseJsonDocument } from '../parse-json.js';
import type { PlatformSpec } from '../platform.js';
import { blobLayers, resolveImage, selectFromIndex, type BlobFetcher } from '../resolve.js';
import { imageIndexSchema, ociLayoutFileSchema, type Descriptor, type ImageIndex } from '../schemas.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export function blobPath(root: string, digest: string): string {
  const { algorithm, encoded } = parseDigest(digest);
  return join(root, 'blobs', algorithm, encoded);
}

async function readBlobFile(root: string, digest: string, what: string): Promise<Buffer> {
  try {
    return await readFile(blobPath(root, digest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ImageError('BLOB_UNKNOWN', `${what}: blob ${digest} is missing from ${root}`);
    }
    throw error;
  }
}

export function ociLayoutFetcher(root: string, what: string): BlobFetcher {
  return {
    async readVerified(descriptor) {
      const bytes = await readBlobFile(root, descriptor.digest, what);
      verifyDigest(bytes, descriptor.digest, `${what}: blob ${descriptor.digest}`);
      return bytes;
    },
    async openBlob(descriptor: Descriptor): Promise<Readable> {
      const path = blobPath(root, descriptor.digest);
      try {
        await stat(path);
      } catch {
        throw new ImageError('BLOB_UNKNOWN', `${what}: layer blob ${descriptor.digest} is missing from ${root}`);
      }
      return createReadStream(path, { highWaterMark: 1024 * 1024 });
    },
  };
}

/** Whether a directory looks like an OCI image layout (has an `oci-layout` file). */
export async function isOciLayout(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'oci-layout'))).isFile();
  } catch {
    return false;
  }
}

function refName(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.[REF_NAME_ANNOTATION];
}

/** Picks the top-level entry of index.json for a tag, or the only image when none is named. */
function selectTopLevel(index: ImageIndex, tag: string | undefined, platform: PlatformSpec, what: string): Descriptor {
  if (tag !== undefined) {
    const named = index.manifests.filter((entry) => {
      const name = refName(entry);
      return name === tag || (name?.endsWith(`:${tag}`) ?? false);
    });
    if (named.length === 0) {
      const known = index.manifests.map(refName).filter(Boolean);
      throw new ImageError('MANIFEST_UNKNOWN', `${what}: no image tagged "${tag}" (tags: ${known.join(', ') || 'none'})`);
    }
    return named.length === 1 && named[0] ? named[0] : selectFromIndex({ ...index, manifests: named }, platform, what);
  }
  const names = new Set(index.manifests.map(refName).filter((name) => name !== undefined));
  if (names.size > 1) {
    throw new ImageError('MANIFEST_UNKNOWN', `${what}: the layout holds several images; name one as oci:DIR:TAG (tags: ${[...names].join(', ')})`);
  }
  if (index.manifests.length === 0) throw new ImageError('MANIFEST_UNKNOWN', `${what}: index.json lists no manifests`);
  return selectFromIndex(index, platform, what);
}

export async function openOciLayout(
  root: string,
  options: { tag?: string | undefined; platform: PlatformSpec; name: string },
): Promise<Image> {
  const what = options.name;
  let layoutBytes: Buffer;
  let indexBytes: Buffer;
  try {
    layoutBytes = await readFile(join(root, 'oci-layout'));
    indexBytes = await readFile(join(root, 'index.json'));
  } catch (error) {
    throw new ImageError('IMAGE_NOT_FOUND', `${what}: not an OCI image layout (${(error as Error).message})`);
  }
  parseJsonDocument(layoutBytes, ociLayoutFileSchema, `${what}: oci-layout`);
  const index = parseJsonDocument(indexBytes, imageIndexSchema, `${what}: index.json`);
  const top = selectTopLevel(index, options.tag, options.platform, what);
  const fetcher = ociLayoutFetcher(root, what);
  const resolved = await resolveImage(fetcher, top, options.platform, what);
  const tag = options.tag ?? refName(top);
  return {
    kind: 'oci-layout',
    name: options.name,
    manifestDigest: resolved.manifestDigest,
    configDigest: resolved.configDigest,
    manifest: resolved.manifest,
    config: resolved.config,
    layers: blobLayers(fetcher, resolved),
    repoTags: tag ? [tag] : [],
    platform: resolved.platform,
    close: () => Promise.resolve(),
  };
}
