import { stat } from 'node:fs/promises';
import { ImageError } from '../errors.js';
import type { DirectoryLayer, Image } from '../image.js';

/** A plain root file-system directory, scanned as a one-layer image with no config. */
export async function openRootfs(root: string, options: { name: string }): Promise<Image> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ImageError('IMAGE_NOT_FOUND', `${options.name}: not a directory`);
  }
  const layer: DirectoryLayer = {
    kind: 'directory',
    index: 0,
    digest: undefined,
    diffId: undefined,
    mediaType: 'inode/directory',
    size: undefined,
    history: undefined,
    root,
  };
  return {
    kind: 'rootfs',
    name: options.name,
    manifestDigest: undefined,
    configDigest: undefined,
    manifest: undefined,
    config: { architecture: '', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
    layers: [layer],
    repoTags: [],
    platform: undefined,
    close: () => Promise.resolve(),
  };
}
