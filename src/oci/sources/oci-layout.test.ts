import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture, useTempDir } from '../../testing/index.js';
import { sha256 } from '../digest.js';
import { ImageError } from '../errors.js';
import { MediaType } from '../media-types.js';
import { openImage } from '../open-image.js';
import { parsePlatform } from '../platform.js';
import { BASE_LAYER, listImage, writeMultiPlatformLayout } from '../testing/images.js';
import { buildTar } from '../writers/tar-builder.js';
import { writeOciLayout } from '../writers/oci-layout-writer.js';

const dir = useTempDir('lockyard-layout-');
const fixture = (...parts: string[]): string => sharedFixture('pkgdb', 'images', ...parts);

async function listing(input: string, platform?: string): Promise<string[]> {
  const image = await openImage(input, {
    tmpDir: dir,
    platform: platform ? parsePlatform(platform) : undefined,
  });
  try {
    return await listImage(image);
  } finally {
    await image.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    (value: unknown) => value,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  expect((error as Error).message).not.toContain('\n');
  return error as ImageError;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** Replaces a blob of a layout and fixes up the parent's reference (index.json or a manifest). */
async function replaceManifest(root: string, content: string): Promise<string> {
  const digest = sha256(content);
  await writeFile(join(root, 'blobs', 'sha256', digest.slice(7)), content);
  const index = await readJson(join(root, 'index.json'));
  const entries = index['manifests'] as Record<string, unknown>[];
  entries[0] = { ...entries[0], digest, size: Buffer.byteLength(content) };
  await writeFile(join(root, 'index.json'), JSON.stringify(index));
  return digest;
}

describe('OCI layouts written by real tools', () => {
  it('umoci: layers with whiteouts for deleted files, as umoci repack writes them', async () => {
    const layout = join(dir, 'umoci');
    const bundle = join(dir, 'bundle');
    const umoci = (...args: string[]): void => {
      execFileSync('umoci', args, { stdio: 'ignore' });
    };
    umoci('init', '--layout', layout);
    umoci('new', '--image', `${layout}:v1`);
    umoci('unpack', '--rootless', '--image', `${layout}:v1`, bundle);
    await mkdir(join(bundle, 'rootfs', 'etc'), { recursive: true });
    await writeFile(join(bundle, 'rootfs', 'etc', 'os-release'), 'ID=umoci\n');
    await writeFile(join(bundle, 'rootfs', 'etc', 'hostname'), 'box\n');
    umoci('repack', '--image', `${layout}:v1`, bundle);
    const second = join(dir, 'bundle-2');
    umoci('unpack', '--rootless', '--image', `${layout}:v1`, second);
    await rm(join(second, 'rootfs', 'etc', 'hostname'));
    umoci('repack', '--image', `${layout}:v1`, second);
    // umoci records `etc` again in the second layer when its mtime moved; that depends on timing.
    const lines = (await listing(`oci:${layout}:v1`)).filter((line) => line !== '1 dir etc');
    expect(lines).toEqual([
      '0 dir etc',
      `0 file etc/hostname ${sha256('box\n').slice(7, 19)}`,
      `0 file etc/os-release ${sha256('ID=umoci\n').slice(7, 19)}`,
      '1 whiteout etc/hostname',
    ]);
  });

  it('the trivy and stereoscope fixtures: entries as GNU tar lists them', async () => {
    for (const layout of [fixture('trivy', 'test.oci'), fixture('stereoscope', 'valid_oci_dir')]) {
      const image = await openImage(layout, { tmpDir: dir });
      try {
        const manifest = image.manifest!;
        const lines = await listImage(image);
        for (const [index, layer] of manifest.layers.entries()) {
          const blob = join(layout, 'blobs', 'sha256', layer.digest.slice(7));
          const names = execFileSync('tar', ['-tf', blob], { encoding: 'utf8' })
            .split('\n')
            .map((name) => name.replace(/^\.\//, '').replace(/\/$/, ''))
            .filter((name) => name !== '' && name !== '.');
          expect(
            lines.filter((line) => line.startsWith(`${index} `)).map((line) => line.split(' ')[2]),
          ).toEqual(names);
        }
      } finally {
        await image.close();
      }
    }
  });

  it('several tags of one manifest are one image; @N picks by position', async () => {
    const layout = fixture('stereoscope', 'valid_oci_dir');
    const image = await openImage(layout, { tmpDir: dir });
    expect(image.repoTags).toEqual(['latest']);
    await image.close();
    expect(await listing(`oci:${layout}:1.0`)).toEqual(await listing(`oci:${layout}:@0`));
  });

  it('skopeo copy --all keeps the index; --platform picks the image', async () => {
    const source = join(dir, 'multi-src');
    await writeMultiPlatformLayout(source, 'multi');
    const copied = join(dir, 'multi-copy');
    execFileSync('skopeo', [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--all',
      `oci:${source}:multi`,
      `oci:${copied}:copied`,
    ]);
    expect(await listing(`oci:${copied}:copied`, 'linux/arm64')).toEqual([
      `0 file etc/arch ${sha256('arm64\n').slice(7, 19)}`,
    ]);
    expect(await listing(copied, 'linux/amd64')).toEqual([
      `0 file etc/arch ${sha256('amd64\n').slice(7, 19)}`,
    ]);
    const missing = await failure(listing(copied, 'linux/riscv64'));
    expect(missing.code).toBe('PLATFORM_NOT_FOUND');
    expect(missing.message).toBe(
      `${copied}: no manifest for platform linux/riscv64 (available: linux/amd64, linux/arm64/v8)`,
    );
  });
});

describe('crafted bad layouts: one typed error naming image and what is wrong', () => {
  let counter = 0;
  async function layout(): Promise<string> {
    counter += 1;
    const root = join(dir, `bad-${counter}`);
    await writeOciLayout(root, { layers: [{ kind: 'entries', entries: BASE_LAYER }] }, 'v1');
    return root;
  }

  it('a malformed index.json names each bad field', async () => {
    const root = await layout();
    await writeFile(
      join(root, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 7, digest: 'sha256:xyz', size: 'big' }],
      }),
    );
    const error = await failure(openImage(root, { tmpDir: dir }));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toBe(
      `${root}: index.json: manifests.0.mediaType: Invalid input: expected string, received number; manifests.0.digest: not a valid digest; manifests.0.size: Invalid input: expected number, received string`,
    );
  });

  it('a malformed manifest names its digest and the field', async () => {
    const root = await layout();
    const digest = await replaceManifest(
      root,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: sha256('x'), size: 1 },
        layers: [{ mediaType: MediaType.ociLayer, size: 3 }],
      }),
    );
    const error = await failure(openImage(root, { tmpDir: dir }));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toBe(
      `${root}: manifest ${digest}: layers.0.digest: Invalid input: expected string, received undefined`,
    );
  });

  it('a malformed config names its digest and the field', async () => {
    const root = await layout();
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: ['md5:abc'] },
    });
    const configDigest = sha256(config);
    await writeFile(join(root, 'blobs', 'sha256', configDigest.slice(7)), config);
    const layer = (await readJson(join(root, 'index.json')))['manifests'] as { digest: string }[];
    const manifest = await readJson(join(root, 'blobs', 'sha256', layer[0]!.digest.slice(7)));
    await replaceManifest(
      root,
      JSON.stringify({
        ...manifest,
        config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      }),
    );
    const error = await failure(openImage(root, { tmpDir: dir }));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toBe(
      `${root}: config ${configDigest}: rootfs.diff_ids.0: not a valid digest`,
    );
  });

  it('an OCI artifact (a Helm chart) is not a container image', async () => {
    const root = await layout();
    const config = JSON.stringify({ name: 'chart', version: '1.0.0' });
    const configDigest = sha256(config);
    await writeFile(join(root, 'blobs', 'sha256', configDigest.slice(7)), config);
    const digest = await replaceManifest(
      root,
      JSON.stringify({
        schemaVersion: 2,
        config: {
          mediaType: 'application/vnd.cncf.helm.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [],
      }),
    );
    const error = await failure(openImage(root, { tmpDir: dir }));
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toBe(
      `${root}: manifest ${digest} is not a container image (config media type "application/vnd.cncf.helm.config.v1+json")`,
    );
  });

  it('a missing layer blob fails when the layer is read, naming it', async () => {
    const root = await layout();
    const image = await openImage(root, { tmpDir: dir });
    const digest = image.layers[0]!.digest!;
    await rm(join(root, 'blobs', 'sha256', digest.slice(7)));
    const error = await failure(listImage(image));
    expect(error.code).toBe('BLOB_UNKNOWN');
    expect(error.message).toBe(`${root}: layer blob ${digest} is missing from ${root}`);
  });

  it('a layer of an unknown media type', async () => {
    const root = join(dir, 'helm-layer');
    const tar = await buildTar(BASE_LAYER);
    await writeOciLayout(root, {
      layers: [
        {
          kind: 'blob',
          data: tar,
          mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
          diffId: sha256(tar),
        },
      ],
    });
    const error = await failure(listing(root));
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toBe(
      `${root}: layer ${sha256(tar)}: unsupported layer media type "application/vnd.cncf.helm.chart.content.v1.tar+gzip"`,
    );
  });

  it('an unknown tag lists the tags there are', async () => {
    const root = await layout();
    const error = await failure(openImage(`oci:${root}:v2`, { tmpDir: dir }));
    expect(error.message).toBe(`oci:${root}:v2: no image named "v2" (names: v1)`);
  });
});
