import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../testing/index.js';
import { sha256 } from './digest.js';
import { MediaType } from './media-types.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from './testing/distribution.js';
import { BASE_LAYER, writeTwoLayerLayout } from './testing/images.js';
import { buildTar, type TarEntrySpec } from './writers/tar-builder.js';
import { writeOciLayout, type LayerInput } from './writers/oci-layout-writer.js';

// Every crafted bad image goes through the real CLI (`lockyard sbom`, the built bin) with a
// private HOME, TMPDIR, working directory and data directory, and must end in exit code 2 with
// one line on stderr, no stack, and nothing written outside the data directory.

const root = useTempDir('lockyard-cli-bad-');
const home = join(root, 'home');
const tmp = join(root, 'tmp');
const cwd = join(root, 'cwd');
const dataDir = join(root, 'data');
const images = join(root, 'images');
const PASSWORD = 'cli-secret-password';
let registry: RunningRegistry;

const os = { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' } as const;

async function layout(
  name: string,
  layers: LayerInput[],
  config?: Record<string, unknown>,
  compression: 'gzip' | 'none' = 'gzip',
): Promise<string> {
  const dir = join(images, name);
  await writeOciLayout(dir, { layers, compression, ...(config ? { config } : {}) });
  return dir;
}

async function blobLayer(
  entries: TarEntrySpec[],
  transform: (tar: Buffer) => Buffer,
  mediaType: string,
): Promise<LayerInput> {
  const tar = await buildTar(entries);
  return { kind: 'blob', data: transform(tar), mediaType, diffId: sha256(tar) };
}

/** The digest of the first layer of a layout's only image. */
async function firstLayer(dir: string): Promise<string> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(
    await readFile(join(dir, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8'),
  ) as { layers: { digest: string }[] };
  return manifest.layers[0]!.digest;
}

async function sbom(
  image: string,
  extra: string[] = [],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['sbom', '--data-dir', dataDir, ...extra, image], {
    env: { HOME: home, TMPDIR: tmp, NO_COLOR: '1' },
    cwd,
    ...(input === undefined ? {} : { input }),
  });
}

async function expectOneLineError(
  result: { code: number; stdout: string; stderr: string },
  pattern: RegExp,
): Promise<void> {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^lockyard: error: /);
  expect(lines[0]).not.toContain('internal error');
  expect(lines[0]?.slice('lockyard: error: '.length)).toMatch(pattern);
  expect(result.stderr).not.toContain(PASSWORD);
  for (const dir of [home, tmp, cwd, join(dataDir, 'tmp')]) expect(await readdir(dir)).toEqual([]);
}

beforeAll(async () => {
  for (const dir of [home, tmp, cwd, dataDir, images]) await mkdir(dir, { recursive: true });
  registry = await startDistribution(join(root, 'registry'), {
    htpasswd: { user: 'dave', password: PASSWORD },
  });
  await writeTwoLayerLayout(join(images, 'pushed'), 'v1');
  await skopeoCopy(`oci:${join(images, 'pushed')}:v1`, `docker://${registry.host}/private/app:v1`, {
    creds: `dave:${PASSWORD}`,
  });
}, 120_000);

afterAll(async () => {
  await registry.stop();
});

const digestRe = 'sha256:[a-f0-9]{64}';

describe('lockyard sbom on bad images: exit 2, one line, nothing written outside the data dir', () => {
  it('corrupt gzip layer', async () => {
    const dir = await layout('corrupt-gzip', [
      await blobLayer(
        [os, { name: 'big', content: Buffer.alloc(50_000, 1) }],
        (tar) => {
          const gz = Buffer.from(gzipSync(tar));
          gz.fill(0xaa, 30, 60);
          return gz;
        },
        MediaType.ociLayerGzip,
      ),
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(`^${dir}: layer ${digestRe}(: [^:]+)?: corrupt gzip data \\(.+\\)$`),
    );
  });

  it('corrupt zstd layer', async () => {
    const dir = await layout('corrupt-zstd', [
      await blobLayer(
        [os, { name: 'big', content: Buffer.alloc(50_000, 1) }],
        (tar) => {
          const zst = Buffer.from(execFileSync('zstd', ['-q', '-c'], { input: tar }));
          zst.fill(0, 12, 40);
          return zst;
        },
        MediaType.ociLayerZstd,
      ),
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(`^${dir}: layer ${digestRe}(: [^:]+)?: corrupt zstd data \\(.+\\)$`),
    );
  });

  it('truncated tar', async () => {
    const dir = await layout('truncated', [
      await blobLayer(
        [os, { name: 'usr/lib/big.so', content: Buffer.alloc(40_000, 2) }],
        (tar) => tar.subarray(0, 20_000),
        MediaType.ociLayer,
      ),
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(
        `^${dir}: layer ${digestRe}: usr/lib/big\\.so: corrupt tar \\(unexpected end of archive inside a member at offset \\d+\\)$`,
      ),
    );
  });

  it('blob digest mismatch', async () => {
    const dir = await layout(
      'blob-digest',
      [{ kind: 'entries', entries: [os] }],
      undefined,
      'none',
    );
    const digest = await firstLayer(dir);
    // One bit flipped in the tar's end-of-archive padding: the tar still reads, only the digest can tell.
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = 1;
    await writeFile(path, bytes);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(
        `^${dir}: layer ${digest}: blob digest mismatch \\(expected ${digest}, got ${digestRe}\\)$`,
      ),
    );
  });

  it('diff_id mismatch', async () => {
    const tar = await buildTar([os]);
    const wrong = sha256('wrong');
    const dir = await layout('diffid', [
      { kind: 'blob', data: gzipSync(tar), mediaType: MediaType.ociLayerGzip, diffId: wrong },
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(
        `^${dir}: layer ${digestRe}: diff_id digest mismatch \\(expected ${wrong}, got ${sha256(tar)}\\)$`,
      ),
    );
  });

  it.each([
    ['dotdot', '../../../etc/cron.d/evil', 'entry path contains ".."'],
    ['absolute', '/etc/cron.d/evil', 'absolute entry path'],
  ])('entry with %s path', async (name, entry, why) => {
    const dir = await layout(name, [
      { kind: 'entries', entries: [os, { name: entry, content: '* * * * * root sh\n' }] },
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(`^${dir}: layer ${digestRe}: ${entry.replace(/\./g, '\\.')}: ${why}$`),
    );
  });

  it('symlink loop between archive members that must be followed to find a layer', async () => {
    const layer = await buildTar([os]);
    const file = join(images, 'loop.tar');
    await writeFile(
      file,
      await buildTar([
        {
          name: 'manifest.json',
          content: JSON.stringify([
            { Config: 'config.json', RepoTags: ['loop:1'], Layers: ['a/layer.tar'] },
          ]),
        },
        {
          name: 'config.json',
          content: JSON.stringify({
            architecture: 'amd64',
            os: 'linux',
            rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
          }),
        },
        { name: 'a/layer.tar', type: 'symlink', linkname: '../b/layer.tar' },
        { name: 'b/layer.tar', type: 'symlink', linkname: '/a/layer.tar' },
      ]),
    );
    await expectOneLineError(
      await sbom(`docker-archive:${file}`),
      new RegExp(`^docker-archive:${file}: archive member "a/layer\\.tar" is part of a link loop$`),
    );
  });

  it('decompression bomb past --max-layer-size', async () => {
    const dir = await layout('bomb', [
      await blobLayer(
        [os, { name: 'zeros', content: Buffer.alloc(32 * 1024 * 1024) }],
        (tar) => gzipSync(tar, { level: 9 }),
        MediaType.ociLayerGzip,
      ),
    ]);
    await expectOneLineError(
      await sbom(dir, ['--max-layer-size', '4MiB']),
      new RegExp(
        `^${dir}: layer ${digestRe}: uncompressed size exceeds the limit of 4194304 bytes$`,
      ),
    );
  });

  it('unknown layer media type', async () => {
    const dir = await layout('helm', [
      await blobLayer([os], (tar) => tar, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'),
    ]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(
        `^${dir}: layer ${digestRe}: unsupported layer media type "application/vnd\\.cncf\\.helm\\.chart\\.content\\.v1\\.tar\\+gzip"$`,
      ),
    );
  });

  it('malformed index.json, manifest and config', async () => {
    const index = await layout('bad-index', [{ kind: 'entries', entries: [os] }]);
    await writeFile(
      join(index, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: MediaType.ociManifest, digest: 'sha256:zz', size: 1 }],
      }),
    );
    await expectOneLineError(
      await sbom(index),
      new RegExp(`^${index}: index\\.json: manifests\\.0\\.digest: not a valid digest$`),
    );

    const manifest = await layout('bad-manifest', [{ kind: 'entries', entries: [os] }]);
    const text = JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: MediaType.ociConfig, digest: sha256('c'), size: 'one' },
      layers: [],
    });
    const digest = sha256(text);
    await writeFile(join(manifest, 'blobs', 'sha256', digest.slice(7)), text);
    await writeFile(
      join(manifest, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: MediaType.ociManifest, digest, size: text.length }],
      }),
    );
    await expectOneLineError(
      await sbom(manifest),
      new RegExp(`^${manifest}: manifest ${digest}: config\\.size: .+$`),
    );

    const config = await layout('bad-config', [{ kind: 'entries', entries: [os] }], {
      architecture: 'amd64',
    });
    const indexJson = JSON.parse(await readFile(join(config, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifestPath = join(config, 'blobs', 'sha256', indexJson.manifests[0]!.digest.slice(7));
    const parsed = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      config: { digest: string };
    };
    const configPath = join(config, 'blobs', 'sha256', parsed.config.digest.slice(7));
    const badConfig = (await readFile(configPath, 'utf8')).replace(
      '"rootfs":{"type":"layers"',
      '"rootfs":{"type":5',
    );
    // Keep the file's name honest to its content so the schema, not the digest, is what fails.
    const badDigest = sha256(badConfig);
    await writeFile(join(config, 'blobs', 'sha256', badDigest.slice(7)), badConfig);
    const newManifest = (await readFile(manifestPath, 'utf8'))
      .replace(parsed.config.digest, badDigest)
      .replace(/"size":\d+/, `"size":${badConfig.length}`);
    const newDigest = sha256(newManifest);
    await writeFile(join(config, 'blobs', 'sha256', newDigest.slice(7)), newManifest);
    await writeFile(
      join(config, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: MediaType.ociManifest, digest: newDigest, size: newManifest.length },
        ],
      }),
    );
    await expectOneLineError(
      await sbom(config),
      new RegExp(`^${config}: config ${badDigest}: rootfs\\.type: .+$`),
    );
  });

  it('missing layer blob', async () => {
    const dir = await layout('missing', [{ kind: 'entries', entries: BASE_LAYER }]);
    const digest = await firstLayer(dir);
    execFileSync('rm', [join(dir, 'blobs', 'sha256', digest.slice(7))]);
    await expectOneLineError(
      await sbom(dir),
      new RegExp(`^${dir}: layer blob ${digest} is missing from ${dir}$`),
    );
  });

  it('401 from a registry: names registry and repository, says to use --username', async () => {
    const image = `${registry.host}/private/app:v1`;
    await expectOneLineError(
      await sbom(image, ['--insecure']),
      new RegExp(
        `^${image}: registry ${registry.host} requires authentication for ${registry.host}/private/app \\(401 Unauthorized\\) .*; log in with --username and --password-stdin \\(or docker login\\)$`,
      ),
    );
  });

  it('401 with a wrong password: rejected, the password never printed', async () => {
    const image = `${registry.host}/private/app:v1`;
    await expectOneLineError(
      await sbom(
        image,
        ['--insecure', '--username', 'dave', '--password-stdin'],
        `${PASSWORD}-wrong\n`,
      ),
      /the credentials given were rejected; check them$/,
    );
    // And the right one works through the same flags.
    const ok = await sbom(
      image,
      ['--insecure', '--username', 'dave', '--password-stdin', '--format', 'json'],
      `${PASSWORD}\n`,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ image: { kind: 'registry' } });
  });
});
