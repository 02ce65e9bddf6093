import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from '../errors.js';
import { isIndexMediaType, MediaType } from '../media-types.js';
import { parseJsonDocument } from '../parse-json.js';
import { printable } from '../printable.js';
import { formatReference, parseReference } from '../reference.js';
import { imageManifestSchema, type Descriptor, type ImageManifest } from '../schemas.js';
import { RegistryClient } from '../sources/registry/client.js';
import type { RegistryOptions } from '../sources/registry/options.js';
import { TITLE_ANNOTATION } from './artifact-input.js';
import { downloadToFile, downloadToMemory } from './blob-download.js';

/** Without a limit from the caller, an artifact's files may add up to this much. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 4 * 1024 * 1024 * 1024;

export interface PullArtifactTarget {
  /** A directory to write the files into (created if missing); without it files come back as bytes. */
  readonly into?: string;
  /** The most the files may add up to, checked against the descriptors before any download. */
  readonly maxBytes?: number;
}

export interface PulledFile {
  readonly descriptor: Descriptor;
  /** The `org.opencontainers.image.title` annotation, when the layer has one. */
  readonly title: string | undefined;
  /** Where the file was written (with `into`). */
  readonly path?: string;
  /** The file's bytes (without `into`). */
  readonly bytes?: Buffer;
}

export interface PulledArtifact {
  readonly reference: string;
  readonly digest: string;
  readonly mediaType: string;
  /** `artifactType`, else the config's media type (as the referrers API reports it). */
  readonly artifactType: string;
  readonly manifest: ImageManifest;
  readonly manifestBytes: Buffer;
  readonly files: readonly PulledFile[];
}

// A title becomes a file name in `into`: one plain name, nothing that leaves the directory.
const SAFE_NAME = /^(?!\.{1,2}$)[^/\\\0]{1,255}$/;

function fileName(descriptor: Descriptor, what: string): string {
  const title = descriptor.annotations?.[TITLE_ANNOTATION];
  if (title === undefined) return descriptor.digest.replace(':', '-');
  if (!SAFE_NAME.test(title) || printable(title) !== title) {
    throw new ImageError(
      'UNSAFE_PATH',
      `${what}: layer ${descriptor.digest} is titled "${printable(title, 120)}", which is not a plain file name; refusing to write it`,
    );
  }
  return title;
}

/** Best effort: a directory entry made by rename survives a crash once the directory is synced. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Not every file system lets a directory be synced; the files themselves were.
  }
}

/**
 * Pulls an artifact: fetch the manifest (verified against its digest) -> check the files'
 * declared sizes against `maxBytes` -> stream every layer through a digest and size check, into
 * a temporary file next to its final name (or into memory) -> when all are verified, rename them
 * into place. A failure removes every temporary file, so `into` never holds a partial artifact.
 * The empty descriptor (`application/vnd.oci.empty.v1+json`) is not a file and is skipped.
 */
export async function pullArtifact(
  reference: string,
  options: RegistryOptions = {},
  target: PullArtifactTarget = {},
): Promise<PulledArtifact> {
  const parsed = parseReference(reference);
  const what = reference;
  const maxBytes = target.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  const client = new RegistryClient(parsed, options, what);
  const temporary: string[] = [];
  try {
    const fetched = await client.manifest(parsed.digest ?? parsed.tag ?? 'latest');
    if (isIndexMediaType(fetched.mediaType)) {
      throw new ImageError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${what}: ${fetched.digest} is an image index, not an artifact manifest; pull one of its manifests by digest`,
      );
    }
    const manifest = parseJsonDocument(
      fetched.bytes,
      imageManifestSchema,
      `${what}: manifest ${fetched.digest}`,
    );
    const layers = manifest.layers.filter((layer) => layer.mediaType !== MediaType.ociEmpty);
    const total = layers.reduce((sum, layer) => sum + layer.size, 0);
    if (total > maxBytes) {
      throw new ImageError(
        'SIZE_LIMIT',
        `${what}: the artifact's files add up to ${total} bytes, more than the ${maxBytes} allowed`,
        { details: { total, maxBytes } },
      );
    }
    const files: PulledFile[] = [];
    const renames: [string, string][] = [];
    if (target.into !== undefined) {
      const into = target.into;
      const names = new Set<string>();
      const planned = layers.map((descriptor) => {
        const name = fileName(descriptor, what);
        if (names.has(name))
          throw new ImageError(
            'ARTIFACT_INVALID',
            `${what}: two layers would both be written as "${printable(name)}"`,
          );
        names.add(name);
        return { descriptor, name };
      });
      try {
        await mkdir(into, { recursive: true });
      } catch (error) {
        throw new ImageError(
          'ARTIFACT_INVALID',
          `${what}: cannot create ${printable(into)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          { cause: error },
        );
      }
      for (const { descriptor, name } of planned) {
        const partial = join(
          into,
          `.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.partial`,
        );
        temporary.push(partial);
        await downloadToFile(client, descriptor, partial, options.onProgress);
        renames.push([partial, join(into, name)]);
        files.push({
          descriptor,
          title: descriptor.annotations?.[TITLE_ANNOTATION],
          path: join(into, name),
        });
      }
      for (const [from, to] of renames) await rename(from, to);
      temporary.length = 0;
      await syncDirectory(into);
    } else {
      for (const descriptor of layers) {
        files.push({
          descriptor,
          title: descriptor.annotations?.[TITLE_ANNOTATION],
          bytes: await downloadToMemory(client, descriptor, options.onProgress),
        });
      }
    }
    return {
      reference: formatReference(parsed),
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      artifactType: manifest.artifactType ?? manifest.config.mediaType,
      manifest,
      manifestBytes: fetched.bytes,
      files,
    };
  } finally {
    await Promise.all(temporary.map((path) => rm(path, { force: true })));
    await client.close();
  }
}
