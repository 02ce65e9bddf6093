import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedFixture, useTempDir } from '../../testing/index.js';
import { sha256 } from '../digest.js';
import { ImageError } from '../errors.js';
import type { Image } from '../image.js';
import { MediaType } from '../media-types.js';
import { openImage } from '../open-image.js';
import { BASE_LAYER, listImage, TOP_LAYER } from '../testing/images.js';
import { buildTar, type TarEntrySpec } from '../writers/tar-builder.js';
import { writeOciLayout } from '../writers/oci-layout-writer.js';

const execFileAsync = promisify(execFile);
const dir = useTempDir('lockyard-archive-');
const tmpDir = join(dir, 'scratch');
const images = (...parts: string[]): string => sharedFixture('pkgdb', 'images', ...parts);

async function open(input: string): Promise<Image> {
  return openImage(input, { tmpDir });
}

async function listing(input: string): Promise<string[]> {
  const image = await open(input);
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

/** The single layer of an archive, extracted with GNU tar (the oracle for what the layer holds). */
function onlyLayer(archive: string): Buffer {
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' }),
  ) as { Layers: string[] }[];
  const layer = execFileSync('tar', ['-xOf', archive, manifest[0]?.Layers[0] ?? ''], {
    maxBuffer: 1 << 28,
  });
  return layer[0] === 0x1f
    ? execFileSync('gzip', ['-d', '-c'], { input: layer, maxBuffer: 1 << 28 })
    : layer;
}

function gnuTarPaths(archive: string): string[] {
  const names = execFileSync('tar', ['-t'], {
    input: onlyLayer(archive),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }).split('\n');
  return names
    .map((name) => name.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((name) => name !== '' && name !== '.')
    .sort();
}

function memberHash(archive: string, member: string): string {
  return sha256(
    execFileSync('tar', ['-xO', member], { input: onlyLayer(archive), maxBuffer: 1 << 26 }),
  ).slice(7, 19);
}

function pathsOf(lines: string[]): string[] {
  return lines.map((line) => line.split(' ')[2] ?? '').sort();
}

function skopeo(...args: string[]): void {
  execFileSync('skopeo', ['--insecure-policy', 'copy', '--quiet', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

beforeAll(async () => {
  await mkdir(tmpDir, { recursive: true });
  await writeOciLayout(
    join(dir, 'layout'),
    {
      layers: [
        { kind: 'entries', entries: BASE_LAYER },
        { kind: 'entries', entries: TOP_LAYER },
      ],
    },
    'v1',
  );
});

describe('docker archives written by real tools', () => {
  it('skopeo copy oci:DIR docker-archive:FILE:REF (classic manifest.json, uncompressed layers)', async () => {
    const file = join(dir, 'skopeo.tar');
    skopeo(`oci:${join(dir, 'layout')}:v1`, `docker-archive:${file}:example.com/team/app:v1`);
    const fromLayout = await listing(`oci:${join(dir, 'layout')}:v1`);
    const image = await open(file);
    try {
      expect(image.kind).toBe('docker-archive');
      expect(image.repoTags).toEqual(['example.com/team/app:v1']);
      expect(await listImage(image)).toEqual(fromLayout);
    } finally {
      await image.close();
    }
  });

  it('the same archive from a real image (trivy test.oci), named with a tag that holds a colon', async () => {
    const file = join(dir, 'trivy.tar');
    skopeo(`oci:${images('trivy', 'test.oci')}`, `docker-archive:${file}:alpine:3.11`);
    expect(await listing(`docker-archive:${file}:alpine:3.11`)).toEqual(
      await listing(images('trivy', 'test.oci')),
    );
    expect(await listing(`${file}:docker.io/library/alpine:3.11`)).toEqual(
      await listing(images('trivy', 'test.oci')),
    );
  });

  it('an archive whose member names start with ./ (trivy fails on these)', async () => {
    const file = join(dir, 'skopeo.tar');
    const unpacked = join(dir, 'unpacked');
    await mkdir(unpacked, { recursive: true });
    execFileSync('tar', ['-xf', file, '-C', unpacked]);
    const dotted = join(dir, 'dotted.tar');
    execFileSync('tar', ['-cf', dotted, '-C', unpacked, '.']);
    expect(execFileSync('tar', ['-tf', dotted], { encoding: 'utf8' })).toMatch(
      /^\.\/manifest\.json$/m,
    );
    expect(await listing(dotted)).toEqual(await listing(file));
  });

  it('docker 25+ save (OCI layout + manifest.json): manifest digest and media types from the OCI side', async () => {
    const image = await open(images('snyk-docker-plugin', 'hello-world.tar'));
    try {
      expect(image.repoTags).toEqual(['hello-world:latest']);
      expect(image.manifestDigest).toBe(
        'sha256:8876a860b8c40b280440ed7678ba677f5a3cb972fddde4198a9a5e159184732f',
      );
      expect(image.configDigest).toBe(
        'sha256:d2c94e258dcb3c5ac2798d32e1249e42ef01cba4841c2234249495f87264ac5a',
      );
      expect(image.layers.map((layer) => [layer.digest, layer.mediaType])).toEqual([
        [
          'sha256:ac28800ec8bb38d5c35b49d45a6ac4777544941199075dff8c4eb63e093aa81e',
          MediaType.ociLayer,
        ],
      ]);
      expect(await listImage(image)).toEqual([expect.stringMatching(/^0 file hello /)]);
    } finally {
      await image.close();
    }
  });

  it('containerd export (gzip layers in blobs/, a manifest list in index.json)', async () => {
    const file = images('snyk-docker-plugin', 'alpine.tar');
    const lines = await listing(file);
    expect(lines).toContain(`0 file etc/alpine-release ${memberHash(file, 'etc/alpine-release')}`);
    expect(pathsOf(lines)).toEqual(gnuTarPaths(file));
  });

  it('an OCI archive without manifest.json (stereoscope valid-oci.tar), also as oci-archive:', async () => {
    const image = await open(`oci-archive:${images('stereoscope', 'valid-oci.tar')}`);
    try {
      expect(image.kind).toBe('oci-archive');
      expect(image.repoTags).toEqual(['sample:latest']);
      expect(image.manifestDigest).toBe(
        'sha256:c1ed04a3da941a5dd09b58b16c37f065557863d382ef97995ddac885a8452ebb',
      );
      expect(await listImage(image)).toEqual(await listing(images('stereoscope', 'valid_oci_dir')));
    } finally {
      await image.close();
    }
  });

  it('gzip and zstd compressed archives are unpacked in the scratch dir and removed on close', async () => {
    const gz = images('trivy', 'alpine-310.tar.gz');
    const image = await open(gz);
    expect((await readdir(tmpDir)).length).toBe(1);
    const lines = await listImage(image);
    await image.close();
    expect(await readdir(tmpDir)).toEqual([]);
    expect(lines).toContain(`0 file etc/alpine-release ${memberHash(gz, 'etc/alpine-release')}`);
    expect(pathsOf(lines)).toEqual(gnuTarPaths(gz));
    const zst = join(dir, 'alpine.tar.zst');
    await writeFile(
      zst,
      execFileSync('zstd', ['-q', '-c'], {
        input: execFileSync('gzip', ['-d', '-c', gz], { maxBuffer: 1 << 28 }),
        maxBuffer: 1 << 28,
      }),
    );
    expect(await listing(zst)).toEqual(lines);
  });
});

describe('multi-image archives (podman save -m)', () => {
  let file: string;
  beforeAll(async () => {
    const storage = join(dir, 'podman');
    await mkdir(storage, { recursive: true });
    await writeFile(
      join(storage, 'storage.conf'),
      `[storage]\ndriver = "vfs"\nrunroot = "${storage}/run"\ngraphroot = "${storage}/root"\n`,
    );
    const env = { ...process.env, CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf') };
    const podman = (...args: string[]): Promise<unknown> => execFileAsync('podman', args, { env });
    await podman('load', '-q', '-i', images('snyk-docker-plugin', 'hello-world.tar'));
    await podman('pull', '-q', `oci:${images('trivy', 'test.oci')}`);
    await podman('tag', 'b23a8f6569ae', 'localhost/testoci:1.0');
    file = join(dir, 'multi.tar');
    await podman(
      'save',
      '-m',
      '-o',
      file,
      'docker.io/library/hello-world:latest',
      'localhost/testoci:1.0',
    );
  }, 120_000);

  it('picks an image by name, short name, tag alone or position', async () => {
    const trivy = await listing(images('trivy', 'test.oci'));
    expect(await listing(`docker-archive:${file}:localhost/testoci:1.0`)).toEqual(trivy);
    expect(await listing(`docker-archive:${file}:1.0`)).toEqual(trivy);
    expect(await listing(`${file}:@1`)).toEqual(trivy);
    expect(await listing(`${file}:hello-world`)).toEqual(
      await listing(images('snyk-docker-plugin', 'hello-world.tar')),
    );
  });

  it('without a name, or with an unknown one, lists the names', async () => {
    const none = await failure(open(file));
    expect(none.code).toBe('MANIFEST_UNKNOWN');
    expect(none.message).toBe(
      `${file}: the archive holds 2 images; name one as ${file}:NAME (names: docker.io/library/hello-world:latest, localhost/testoci:1.0)`,
    );
    const unknown = await failure(open(`${file}:nginx:1`));
    expect(unknown.message).toBe(
      `${file}:nginx:1: no image named "nginx:1" (names: docker.io/library/hello-world:latest, localhost/testoci:1.0)`,
    );
  });
});

describe('crafted bad archives: one typed error naming image and member', () => {
  async function archive(name: string, entries: TarEntrySpec[]): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, await buildTar(entries));
    return path;
  }
  const layerTar = buildTar([{ name: 'etc/os-release', content: 'ID=x\n' }]);
  function config(diffIds: string[]): string {
    return JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
    });
  }

  it('a symlink loop between members', async () => {
    const path = await archive('loop.tar', [
      {
        name: 'manifest.json',
        content: JSON.stringify([{ Config: 'c.json', RepoTags: ['x:1'], Layers: ['a/layer.tar'] }]),
      },
      { name: 'c.json', content: config([sha256(await layerTar)]) },
      { name: 'a/layer.tar', type: 'symlink', linkname: '../b/layer.tar' },
      { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
    ]);
    const error = await failure(open(path));
    expect(error.code).toBe('SYMLINK_LOOP');
    expect(error.message).toBe(`${path}: archive member "a/layer.tar" is part of a link loop`);
  });

  it('a missing layer member, and a malformed manifest.json naming the field', async () => {
    const missing = await archive('missing.tar', [
      {
        name: 'manifest.json',
        content: JSON.stringify([{ Config: 'c.json', Layers: ['nope/layer.tar'] }]),
      },
      { name: 'c.json', content: config([sha256(await layerTar)]) },
    ]);
    const error = await failure(open(missing));
    expect(error.code).toBe('BLOB_UNKNOWN');
    expect(error.message).toBe(`${missing}: archive member "nope/layer.tar" is missing`);
    const malformed = await archive('malformed.tar', [
      { name: 'manifest.json', content: JSON.stringify([{ Config: 7, Layers: 'x' }]) },
    ]);
    const bad = await failure(open(malformed));
    expect(bad.code).toBe('MANIFEST_INVALID');
    expect(bad.message).toMatch(
      new RegExp(`^${malformed}: manifest\\.json: 0\\.Config: .+; 0\\.Layers: .+$`),
    );
  });

  it('a config whose content does not match the digest in its name', async () => {
    const body = config([sha256(await layerTar)]);
    const claimed = sha256('another config').slice(7);
    const path = await archive('config-digest.tar', [
      {
        name: 'manifest.json',
        content: JSON.stringify([{ Config: `${claimed}.json`, Layers: ['l.tar'] }]),
      },
      { name: `${claimed}.json`, content: body },
      { name: 'l.tar', content: await layerTar },
    ]);
    const error = await failure(open(path));
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toBe(
      `${path}: config ${claimed}.json: digest mismatch (expected sha256:${claimed}, got ${sha256(body)})`,
    );
  });

  it('a layer that does not match its diff_id fails when read, naming the layer', async () => {
    const wrong = sha256('not this layer');
    const path = await archive('diffid.tar', [
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]) },
      { name: 'c.json', content: config([wrong]) },
      { name: 'l.tar', content: await layerTar },
    ]);
    const error = await failure(listing(path));
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toBe(
      `${path}: layer ${wrong}: diff_id digest mismatch (expected ${wrong}, got ${sha256(await layerTar)})`,
    );
  });

  it('a truncated archive, a corrupt gzip archive and a file that is no archive', async () => {
    const whole = await readFile(join(dir, 'skopeo.tar'));
    const cut = join(dir, 'cut.tar');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const truncated = await failure(open(cut));
    expect(truncated.code).toBe('LAYER_CORRUPT');
    expect(truncated.message).toMatch(
      new RegExp(
        `^${cut}: not a valid tar archive \\(unexpected end of archive inside (member "[^"]+" \\(\\d+ bytes declared, \\d+ left\\)|a header|a meta member) at offset \\d+\\)$`,
      ),
    );
    // Cut inside the first member's data: the error names that member and how much is missing.
    const first = whole.toString('latin1', 0, 100).replace(/\0.*$/su, '');
    const declared = parseInt(whole.toString('latin1', 124, 136).replace(/\0.*$/su, ''), 8);
    await writeFile(cut, whole.subarray(0, 512 + 1000));
    expect((await failure(open(cut))).message).toBe(
      `${cut}: not a valid tar archive (unexpected end of archive inside member "${first}" ` +
        `(${declared} bytes declared, 1000 left) at offset 0)`,
    );
    const gz = Buffer.from(execFileSync('gzip', ['-c'], { input: whole }));
    gz.fill(0x55, 100, 400);
    const badGz = join(dir, 'bad.tar.gz');
    await writeFile(badGz, gz);
    const corrupt = await failure(open(badGz));
    expect(corrupt.code).toBe('LAYER_CORRUPT');
    expect(corrupt.message).toMatch(new RegExp(`^${badGz}: corrupt gzip archive \\(.+\\)$`));
    expect(await readdir(tmpDir)).toEqual([]);
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'just some text, not an image\n'.repeat(30));
    const notArchive = await failure(open(text));
    expect(notArchive.message).toBe(
      `${text}: not a valid tar archive (bad header checksum at offset 0)`,
    );
  });
});
