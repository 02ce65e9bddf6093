import { execFileSync } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../testing/index.js';
import { ImageError } from '../../errors.js';
import type { Image } from '../../image.js';
import { MediaType } from '../../media-types.js';
import { openImage, type OpenImageOptions } from '../../open-image.js';
import { parsePlatform } from '../../platform.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from '../../testing/distribution.js';
import {
  BASE_LAYER,
  listImage,
  TOP_LAYER,
  writeMultiPlatformLayout,
  writeTwoLayerLayout,
} from '../../testing/images.js';
import { writeOciLayout } from '../../writers/oci-layout-writer.js';
import { readLayer } from '../../layer/read-layer.js';

const dir = useTempDir('lockyard-registry-');
let registry: RunningRegistry;
let host: string;
let expectedListing: string[];

function options(extra: Partial<OpenImageOptions> = {}): OpenImageOptions {
  return {
    tmpDir: dir,
    registry: { insecureHosts: [host], retries: { attempts: 1, baseDelayMs: 10 } },
    ...extra,
  };
}

async function withImage<T>(
  reference: string,
  use: (image: Image) => Promise<T>,
  extra: Partial<OpenImageOptions> = {},
): Promise<T> {
  const image = await openImage(reference, options(extra));
  try {
    return await use(image);
  } finally {
    await image.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  expect((error as Error).message).not.toContain('\n');
  return error as ImageError;
}

/** skopeo's own view of what the registry holds: the reference client is the oracle. */
function skopeoInspect(reference: string, raw = false): unknown {
  const args = [
    'inspect',
    '--tls-verify=false',
    ...(raw ? ['--raw'] : []),
    `docker://${reference}`,
  ];
  return JSON.parse(execFileSync('skopeo', args, { encoding: 'utf8' }));
}

/** Where Distribution's filesystem driver keeps a blob's bytes. */
function blobDataPath(digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return join(
    dir,
    'registry',
    'storage',
    'docker',
    'registry',
    'v2',
    'blobs',
    'sha256',
    hex.slice(0, 2),
    hex,
    'data',
  );
}

beforeAll(async () => {
  registry = await startDistribution(join(dir, 'registry'));
  host = registry.host;
  await writeTwoLayerLayout(join(dir, 'two'), 'v1');
  await writeMultiPlatformLayout(join(dir, 'multi'), 'multi');
  await skopeoCopy(`oci:${join(dir, 'two')}:v1`, `docker://${host}/team/app:v1`);
  // Docker schema 2 has no zstd layer type: the same files, both layers gzip.
  await writeOciLayout(
    join(dir, 'gzip'),
    {
      layers: [
        { kind: 'entries', entries: BASE_LAYER },
        { kind: 'entries', entries: TOP_LAYER },
      ],
    },
    'v1',
  );
  await skopeoCopy(`oci:${join(dir, 'gzip')}:v1`, `docker://${host}/team/docker:v1`, {
    format: 'v2s2',
  });
  await skopeoCopy(`oci:${join(dir, 'multi')}:multi`, `docker://${host}/multi:latest`, {
    all: true,
  });
  await skopeoCopy(`oci:${join(dir, 'two')}:v1`, `docker://${host}/tamper/config:v1`);
  await skopeoCopy(`oci:${join(dir, 'two')}:v1`, `docker://${host}/tamper/layer:v1`);
  const local = await openImage(join(dir, 'two'), { tmpDir: dir });
  expectedListing = await listImage(local);
  await local.close();
});

afterAll(async () => {
  await registry.stop();
});

describe('registry source against CNCF Distribution (anonymous)', () => {
  it('pulls an image by tag: manifest digest as skopeo sees it, gzip and zstd layers verified', async () => {
    const inspected = skopeoInspect(`${host}/team/app:v1`) as { Digest: string; Layers: string[] };
    await withImage(`${host}/team/app:v1`, async (image) => {
      expect(image.kind).toBe('registry');
      expect(image.manifestDigest).toBe(inspected.Digest);
      expect(image.layers.map((layer) => layer.digest)).toEqual(inspected.Layers);
      expect(image.layers.map((layer) => layer.mediaType)).toEqual([
        MediaType.ociLayerGzip,
        MediaType.ociLayerZstd,
      ]);
      expect(image.repoTags).toEqual([`${host}/team/app:v1`]);
      expect(await listImage(image)).toEqual(expectedListing);
    });
  });

  it('takes skopeo-style docker:// and registry: prefixes', async () => {
    for (const input of [`docker://${host}/team/app:v1`, `registry:${host}/team/app:v1`]) {
      await withImage(input, async (image) => {
        expect(image.kind).toBe('registry');
        expect(image.name).toBe(input);
        expect(await listImage(image)).toEqual(expectedListing);
      });
    }
  });

  it('pulls the same image by digest', async () => {
    const { Digest } = skopeoInspect(`${host}/team/app:v1`) as { Digest: string };
    await withImage(`${host}/team/app@${Digest}`, async (image) => {
      expect(image.manifestDigest).toBe(Digest);
      expect(image.repoTags).toEqual([]);
      expect(await listImage(image)).toEqual(expectedListing);
    });
  });

  it('reads Docker schema 2 manifests (skopeo --format v2s2)', async () => {
    await withImage(`${host}/team/docker:v1`, async (image) => {
      expect(image.manifest?.mediaType).toBe(MediaType.dockerManifest);
      expect(image.layers[0]?.mediaType).toBe(MediaType.dockerLayerGzip);
      expect(await listImage(image)).toEqual(expectedListing);
    });
  });

  it('resolves a multi-platform index by platform', async () => {
    const index = skopeoInspect(`${host}/multi:latest`, true) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    const arm = index.manifests.find((entry) => entry.platform.architecture === 'arm64');
    for (const [platform, arch] of [
      ['linux/arm64', 'arm64'],
      ['linux/arm64/v8', 'arm64'],
      ['linux/amd64', 'amd64'],
    ] as const) {
      await withImage(
        `${host}/multi:latest`,
        async (image) => {
          expect(image.config.architecture).toBe(arch);
          expect(await listImage(image)).toEqual([expect.stringMatching(/^0 file etc\/arch /)]);
          if (arch === 'arm64') expect(image.manifestDigest).toBe(arm?.digest);
        },
        { platform: parsePlatform(platform) },
      );
    }
  });

  it('names the platforms that exist when the wanted one does not', async () => {
    const error = await failure(
      openImage(`${host}/multi:latest`, options({ platform: parsePlatform('linux/s390x') })),
    );
    expect(error.code).toBe('PLATFORM_NOT_FOUND');
    expect(error.message).toBe(
      `${host}/multi:latest: no manifest for platform linux/s390x (available: linux/amd64, linux/arm64/v8)`,
    );
  });

  it('reports progress per layer up to its size', async () => {
    const seen = new Map<string, { bytes: number; total: number | undefined }>();
    const image = await openImage(`${host}/team/app:v1`, {
      tmpDir: dir,
      registry: { insecureHosts: [host], onProgress: (event) => seen.set(event.digest, event) },
    });
    try {
      await listImage(image);
      for (const layer of image.layers)
        expect(seen.get(layer.digest ?? '')).toEqual({
          digest: layer.digest,
          bytes: layer.size,
          total: layer.size,
        });
    } finally {
      await image.close();
    }
  });

  it('a missing tag and a missing repository are one line each', async () => {
    const tag = await failure(openImage(`${host}/team/app:nope`, options()));
    expect(tag.code).toBe('MANIFEST_UNKNOWN');
    expect(tag.message).toMatch(
      new RegExp(
        `^${host}/team/app:nope: manifest for tag "nope" not found in ${host}/team/app \\(404\\) \\[MANIFEST_UNKNOWN: .+\\]$`,
      ),
    );
    const repo = await failure(openImage(`${host}/no/such:v1`, options()));
    expect(repo.code).toBe('MANIFEST_UNKNOWN');
    expect(repo.message).toBe(
      `${host}/no/such:v1: manifest for tag "v1" not found in ${host}/no/such (404) [MANIFEST_UNKNOWN: manifest unknown]`,
    );
  });

  it('speaks HTTPS unless the host is named insecure, and says what to do', async () => {
    const error = await failure(
      openImage(`${host}/team/app:v1`, { tmpDir: dir, registry: { retries: { attempts: 0 } } }),
    );
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toMatch(
      new RegExp(
        `^cannot reach ${host}: .+; the server does not speak TLS: if it is a plain-HTTP registry, pass --insecure$`,
      ),
    );
  });

  it('a config blob whose bytes were changed in storage fails its digest check', async () => {
    const { Digest } = skopeoInspect(`${host}/tamper/config:v1`) as { Digest: string };
    const manifest = skopeoInspect(`${host}/tamper/config@${Digest}`, true) as {
      config: { digest: string };
    };
    const path = blobDataPath(manifest.config.digest);
    // The config is shared with the other repositories; restore it afterwards.
    const original = execFileSync('cat', [path]);
    try {
      await writeFile(path, original.toString('utf8').replace('amd64', 'arm64'));
      const error = await failure(openImage(`${host}/tamper/config:v1`, options()));
      expect(error.code).toBe('DIGEST_MISMATCH');
      expect(error.message).toMatch(
        new RegExp(
          `^${host}/tamper/config:v1: blob ${manifest.config.digest}: digest mismatch \\(expected ${manifest.config.digest}, got sha256:[a-f0-9]{64}\\)$`,
        ),
      );
    } finally {
      await writeFile(path, original);
    }
  });

  it('a layer changed in storage fails when read; a removed one is a missing blob', async () => {
    const image = await openImage(`${host}/tamper/layer:v1`, options());
    try {
      const layer = image.layers[1]!;
      const path = blobDataPath(layer.digest!);
      const original = execFileSync('cat', [path]);
      try {
        const tampered = Buffer.from(original);
        tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
        await writeFile(path, tampered);
        const changed = await failure(listImage(image));
        expect(changed.message.startsWith(`${host}/tamper/layer:v1: layer ${layer.digest}`)).toBe(
          true,
        );
        expect(['DIGEST_MISMATCH', 'LAYER_CORRUPT']).toContain(changed.code);
        await rm(path);
        const missing = await failure(
          (async () => {
            const events = [];
            for await (const event of readLayer(layer, { imageName: image.name }))
              events.push(event);
            return events;
          })(),
        );
        expect(missing.code).toBe('BLOB_UNKNOWN');
        expect(missing.message).toMatch(
          new RegExp(
            `^${host}/tamper/layer:v1: blob ${layer.digest} not found in ${host}/tamper/layer \\(404\\)`,
          ),
        );
      } finally {
        await writeFile(path, original);
      }
    } finally {
      await image.close();
    }
  });

  it('leaves nothing behind on disk', async () => {
    await withImage(`${host}/team/app:v1`, async (image) => {
      await listImage(image);
    });
    const entries = (await readdir(dir)).sort();
    expect(entries).toEqual(['gzip', 'multi', 'registry', 'two']);
  });
});
