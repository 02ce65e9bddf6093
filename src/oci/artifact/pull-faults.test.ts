// pullArtifact when the registry's answer is wrong or unwanted: a tampered blob, a blob longer
// than its descriptor, a total over the caller's limit, titles that would leave the directory, an
// index. The target directory keeps exactly what it held before each failure.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { ImageError } from '../errors.js';
import { sha256 } from '../digest.js';
import { MediaType } from '../media-types.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from '../testing/distribution.js';
import { startProxy, type RunningProxy } from '../testing/http-proxy.js';
import { writeMultiPlatformLayout, writeTwoLayerLayout } from '../testing/images.js';
import { pullArtifact } from './pull-artifact.js';
import { pushArtifact } from './push-artifact.js';

const dir = useTempDir('lockyard-pull-faults-');
const TYPE = 'application/vnd.lockyard.test.v1';
const big = randomBytes(2 * 1024 * 1024);
let registry: RunningRegistry;
let host: string;
const proxies: RunningProxy[] = [];

const options = (target = host) => ({
  insecureHosts: [target, host],
  retries: { attempts: 1, baseDelayMs: 10 },
});

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  expect((error as Error).message).not.toContain('\n');
  return error as ImageError;
}

/** A directory holding a file the pull would replace, and one it has nothing to do with. */
async function occupied(name: string): Promise<string> {
  const into = join(dir, name);
  await mkdir(into);
  await writeFile(join(into, 'a.txt'), 'old a\n');
  await writeFile(join(into, 'unrelated'), 'keep\n');
  return into;
}

async function unchanged(into: string): Promise<void> {
  expect((await readdir(into)).sort()).toEqual(['a.txt', 'unrelated']);
  expect(await readFile(join(into, 'a.txt'), 'utf8')).toBe('old a\n');
}

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
  const files = [
    { bytes: Buffer.from('new a\n'), name: 'a.txt', mediaType: 'text/plain' },
    { bytes: big, name: 'b.bin', mediaType: 'application/octet-stream' },
    { bytes: Buffer.from('c\n'), name: 'c.txt', mediaType: 'text/plain' },
  ];
  await pushArtifact(`${host}/files/app:v1`, { artifactType: TYPE, files }, options());
  await pushArtifact(
    `${host}/files/tamper:v1`,
    { artifactType: TYPE, files: [files[0]!, { ...files[1]!, bytes: randomBytes(1024 * 1024) }] },
    options(),
  );
});

afterAll(async () => {
  for (const started of proxies) await started.close();
  await registry.stop();
});

describe('pullArtifact refuses what it should not write', () => {
  it('pulls into memory without a directory', async () => {
    const pulled = await pullArtifact(`${host}/files/app:v1`, options());
    expect(pulled.files.map((file) => [file.title, file.path, sha256(file.bytes ?? '')])).toEqual([
      ['a.txt', undefined, sha256('new a\n')],
      ['b.bin', undefined, sha256(big)],
      ['c.txt', undefined, sha256('c\n')],
    ]);
  });

  it('a blob changed in the registry fails its digest; no file is replaced or left half-written', async () => {
    const manifest = await pullArtifact(`${host}/files/tamper:v1`, options());
    const layer = manifest.manifest.layers[1]!;
    const path = blobDataPath(layer.digest);
    const original = await readFile(path);
    const tampered = Buffer.from(original);
    tampered[1000] = (tampered[1000] ?? 0) ^ 0xff;
    await writeFile(path, tampered);
    try {
      const into = await occupied('tampered');
      const error = await failure(pullArtifact(`${host}/files/tamper:v1`, options(), { into }));
      expect(error.code).toBe('DIGEST_MISMATCH');
      expect(error.message).toMatch(
        new RegExp(
          `^${host}/files/tamper:v1: blob ${layer.digest}: digest mismatch \\(got sha256:[a-f0-9]{64}\\)$`,
        ),
      );
      await unchanged(into);
    } finally {
      await writeFile(path, original);
    }
  });

  it('a registry sending more bytes than the descriptor declares is cut off at the declared size', async () => {
    const layerDigest = sha256(big);
    const padding = await startProxy(host, (request, response, forward) => {
      if (request.method === 'GET' && request.url?.endsWith(`/blobs/${layerDigest}`)) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(Buffer.concat([big, randomBytes(4 * 1024 * 1024)]));
        return;
      }
      forward(request, response);
    });
    proxies.push(padding);
    const into = await occupied('padded');
    const error = await failure(
      pullArtifact(`${padding.host}/files/app:v1`, options(padding.host), { into }),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toBe(
      `${padding.host}/files/app:v1: blob ${layerDigest} is larger than the ${big.length} bytes its descriptor declares`,
    );
    await unchanged(into);
  });

  it('refuses an artifact over maxBytes before downloading any blob', async () => {
    const recorder = await startProxy(host);
    proxies.push(recorder);
    const into = await occupied('limited');
    const error = await failure(
      pullArtifact(`${recorder.host}/files/app:v1`, options(recorder.host), {
        into,
        maxBytes: 1024 * 1024,
      }),
    );
    expect(error.code).toBe('SIZE_LIMIT');
    expect(error.message).toBe(
      `${recorder.host}/files/app:v1: the artifact's files add up to ${big.length + 8} bytes, more than the 1048576 allowed`,
    );
    expect(recorder.requests.filter((request) => request.path.includes('/blobs/'))).toEqual([]);
    await unchanged(into);
  });

  it('refuses titles that are not plain file names when writing to a directory', async () => {
    for (const [name, repository] of [
      ['../escape.txt', 'titles/up'],
      ['sub/dir.txt', 'titles/sub'],
      ['..', 'titles/dots'],
      ['bad\nname', 'titles/newline'],
    ] as const) {
      await pushArtifact(
        `${host}/${repository}:v1`,
        { artifactType: TYPE, files: [{ bytes: Buffer.from('x'), name, mediaType: 'text/plain' }] },
        options(),
      );
      const into = await occupied(repository.replace('/', '-'));
      const error = await failure(pullArtifact(`${host}/${repository}:v1`, options(), { into }));
      expect(error.code).toBe('UNSAFE_PATH');
      expect(error.message).toContain('which is not a plain file name; refusing to write it');
      await unchanged(into);
      // In memory, the name is only a label.
      expect((await pullArtifact(`${host}/${repository}:v1`, options())).files[0]?.title).toBe(
        name,
      );
    }
  });

  it('an image index is not an artifact; a missing tag is MANIFEST_UNKNOWN', async () => {
    await writeMultiPlatformLayout(join(dir, 'multi'), 'multi');
    await skopeoCopy(`oci:${join(dir, 'multi')}:multi`, `docker://${host}/images/multi:v1`, {
      all: true,
    });
    const index = await failure(
      pullArtifact(`${host}/images/multi:v1`, options(), { into: join(dir, 'never') }),
    );
    expect(index.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(index.message).toMatch(
      /is an image index, not an artifact manifest; pull one of its manifests by digest$/,
    );
    const missing = await failure(pullArtifact(`${host}/files/app:nope`, options()));
    expect(missing.code).toBe('MANIFEST_UNKNOWN');
    await expect(readdir(join(dir, 'never'))).rejects.toThrow(/ENOENT/);
  });

  it('an image pulls as an artifact of its config type, layers named by digest', async () => {
    await writeTwoLayerLayout(join(dir, 'image'), 'v1');
    await skopeoCopy(`oci:${join(dir, 'image')}:v1`, `docker://${host}/images/app:v1`);
    const into = join(dir, 'image-files');
    const pulled = await pullArtifact(`${host}/images/app:v1`, options(), { into });
    expect(pulled.artifactType).toBe(MediaType.ociConfig);
    expect((await readdir(into)).sort()).toEqual(
      pulled.manifest.layers.map((layer) => layer.digest.replace(':', '-')).sort(),
    );
    for (const file of pulled.files)
      expect(sha256(await readFile(file.path ?? ''))).toBe(file.descriptor.digest);
  });
});
