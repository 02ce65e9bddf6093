import { stat } from 'node:fs/promises';
import { ImageError } from './errors.js';
import type { Image } from './image.js';
import { hostPlatform, type PlatformSpec } from './platform.js';
import { openDockerArchive } from './sources/docker-archive.js';
import { isOciLayout, openOciLayout } from './sources/oci-layout.js';
import { openRegistryImage, type RegistryOptions } from './sources/registry/index.js';
import { openRootfs } from './sources/rootfs.js';

export type ImageSourceSpec =
  | { readonly kind: 'oci-layout'; readonly path: string; readonly tag?: string | undefined }
  | { readonly kind: 'docker-archive'; readonly path: string; readonly tag?: string | undefined }
  | { readonly kind: 'rootfs'; readonly path: string }
  | { readonly kind: 'registry'; readonly reference: string };

export interface OpenImageOptions {
  /** Which entry of a multi-platform index to use (default: the host's platform). */
  readonly platform?: PlatformSpec | undefined;
  /** A scratch directory inside the data directory (compressed archives are unpacked there). */
  readonly tmpDir: string;
  readonly registry?: RegistryOptions | undefined;
}

// skopeo's transport names, so the same image argument works for both tools.
const PREFIXES = ['oci', 'oci-archive', 'docker-archive', 'dir', 'registry', 'docker'] as const;

/**
 * A missing `app.tar` (or `.tar.gz`, `.tgz`, `.tar.zst`) is a file that is not there, not
 * `docker.io/library/app.tar`: report it as such rather than as an unreachable registry.
 */
const ARCHIVE_NAME = /^[^/:@]+\.(?:tar|tar\.gz|tgz|tar\.zst)$/i;

async function kindOfPath(path: string): Promise<'file' | 'dir' | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  return info.isDirectory() ? 'dir' : 'file';
}

/**
 * Splits `PATH:NAME` where PATH exists, as skopeo's `oci:` and `docker-archive:` forms allow. The
 * name may itself hold colons (`x.tar:alpine:3.10`), so the shortest existing path wins.
 */
async function splitPathTag(
  value: string,
): Promise<{ path: string; tag: string | undefined } | undefined> {
  if (await kindOfPath(value)) return { path: value, tag: undefined };
  for (let colon = value.indexOf(':'); colon > 0; colon = value.indexOf(':', colon + 1)) {
    const path = value.slice(0, colon);
    if (await kindOfPath(path)) return { path, tag: value.slice(colon + 1) || undefined };
  }
  return undefined;
}

/**
 * Decides what an image argument names: a forced kind by prefix (`oci:`, `oci-archive:`,
 * `docker-archive:`, `dir:`, `registry:`, `docker://`), else a tar file (docker or OCI archive,
 * possibly compressed), an OCI layout directory, another directory as a root file system,
 * otherwise a registry reference.
 */
export async function detectImageSource(input: string): Promise<ImageSourceSpec> {
  const prefix = PREFIXES.find((p) => input.startsWith(`${p}:`));
  if (prefix) {
    const rest = input.slice(prefix.length + 1);
    switch (prefix) {
      case 'registry':
      case 'docker':
        return { kind: 'registry', reference: rest.replace(/^\/\//, '') };
      case 'dir':
        return { kind: 'rootfs', path: rest };
      case 'oci':
      case 'oci-archive':
      case 'docker-archive': {
        const split = (await splitPathTag(rest)) ?? { path: rest, tag: undefined };
        // An `oci:` path that is a file is an OCI archive; the archive reader knows both forms.
        const isDir = (await kindOfPath(split.path)) === 'dir';
        return {
          kind: prefix === 'oci' && isDir ? 'oci-layout' : 'docker-archive',
          path: split.path,
          tag: split.tag,
        };
      }
    }
  }
  const split = await splitPathTag(input);
  if (split) {
    const kind = await kindOfPath(split.path);
    if (kind === 'file') return { kind: 'docker-archive', ...split };
    if (await isOciLayout(split.path)) return { kind: 'oci-layout', ...split };
    if (split.tag === undefined) return { kind: 'rootfs', path: split.path };
  }
  if (
    input.startsWith('/') ||
    input.startsWith('./') ||
    input.startsWith('../') ||
    ARCHIVE_NAME.test(input)
  ) {
    throw new ImageError('IMAGE_NOT_FOUND', `${input}: no such file or directory`);
  }
  return { kind: 'registry', reference: input };
}

export async function openImage(
  input: string | ImageSourceSpec,
  options: OpenImageOptions,
): Promise<Image> {
  const spec = typeof input === 'string' ? await detectImageSource(input) : input;
  const name = typeof input === 'string' ? input : 'path' in spec ? spec.path : spec.reference;
  const platform = options.platform ?? hostPlatform();
  switch (spec.kind) {
    case 'oci-layout':
      return openOciLayout(spec.path, { tag: spec.tag, platform, name });
    case 'docker-archive':
      return openDockerArchive(spec.path, {
        tag: spec.tag,
        platform,
        name,
        tmpDir: options.tmpDir,
      });
    case 'rootfs':
      return openRootfs(spec.path, { name });
    case 'registry':
      return openRegistryImage(spec.reference, {
        name,
        platform,
        registry: options.registry ?? {},
      });
  }
}
