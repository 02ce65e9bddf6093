import { execFileSync } from 'node:child_process';
import type { Image } from '../image.js';
import { readLayer } from '../layer/read-layer.js';
import { sha256 } from '../digest.js';
import { MediaType } from '../media-types.js';
import { buildTar, type TarEntrySpec } from '../writers/tar-builder.js';
import {
  writeOciIndex,
  writeOciLayout,
  type ImageInput,
  type LayerInput,
} from '../writers/oci-layout-writer.js';

export const BASE_LAYER: readonly TarEntrySpec[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', content: 'ID=lockyard-test\nVERSION_ID=1\n' },
  { name: 'usr/bin/', type: 'directory' },
  { name: 'usr/bin/tool', content: Buffer.alloc(300_000, 7), mode: 0o755 },
];

export const TOP_LAYER: readonly TarEntrySpec[] = [
  { name: 'app/', type: 'directory' },
  { name: 'app/main.js', content: 'console.log("hi")\n' },
  { name: 'usr/bin/.wh.tool', content: '' },
];

/** A layer compressed by the real `zstd` CLI, as `buildah --compression-format zstd` stores it. */
export async function zstdLayer(entries: readonly TarEntrySpec[]): Promise<LayerInput> {
  const tar = await buildTar(entries);
  const data = execFileSync('zstd', ['-q', '-c', '-3'], { input: tar });
  return { kind: 'blob', data, mediaType: MediaType.ociLayerZstd, diffId: sha256(tar) };
}

/** Two layers: gzip (our writer) and zstd (zstd CLI). */
export async function twoLayerImage(): Promise<ImageInput> {
  return { layers: [{ kind: 'entries', entries: BASE_LAYER }, await zstdLayer(TOP_LAYER)] };
}

export async function writeTwoLayerLayout(dir: string, tag = 'v1'): Promise<void> {
  await writeOciLayout(dir, await twoLayerImage(), tag);
}

/** An index of amd64 and arm64/v8 images that differ in one file, so tests can tell them apart. */
export async function writeMultiPlatformLayout(dir: string, tag = 'multi'): Promise<void> {
  const image = (arch: string): ImageInput => ({
    layers: [{ kind: 'entries', entries: [{ name: 'etc/arch', content: `${arch}\n` }] }],
  });
  await writeOciIndex(
    dir,
    [
      { image: image('amd64'), platform: { os: 'linux', architecture: 'amd64' } },
      { image: image('arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
    tag,
  );
}

/** Every event of every layer, as `type path` lines (file contents hashed), to compare images. */
export async function listImage(image: Image): Promise<string[]> {
  const lines: string[] = [];
  for (const layer of image.layers) {
    for await (const event of readLayer(layer, { imageName: image.name })) {
      if (event.type !== 'entry') {
        lines.push(`${layer.index} ${event.type} ${event.path}`);
        continue;
      }
      const { entry } = event;
      const suffix = entry.type === 'file' ? ` ${sha256(await entry.read()).slice(7, 19)}` : '';
      lines.push(`${layer.index} ${entry.type} ${entry.path}${suffix}`);
    }
  }
  return lines;
}
