import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../testing/index.js';
import { ImageError } from '../../errors.js';
import { openImage } from '../../open-image.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from '../../testing/distribution.js';
import { startProxy, type Intercept, type RunningProxy } from '../../testing/http-proxy.js';
import { listImage, zstdLayer, TOP_LAYER } from '../../testing/images.js';
import { writeOciLayout } from '../../writers/oci-layout-writer.js';
import type { RegistryOptions } from './options.js';

const dir = useTempDir('lockyard-faults-');
const USER = 'carol';
const PASSWORD = 'c4rol-secret';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
let registry: RunningRegistry;
let expected: string[];
const proxies: RunningProxy[] = [];

async function proxy(intercept?: Intercept): Promise<RunningProxy> {
  const started = await startProxy(registry.host, intercept);
  proxies.push(started);
  return started;
}

async function pull(host: string, extra: RegistryOptions = {}): Promise<string[]> {
  const image = await openImage(`${host}/app:v1`, {
    tmpDir: dir,
    registry: {
      insecureHosts: [host],
      username: USER,
      password: PASSWORD,
      retries: { attempts: 3, baseDelayMs: 20 },
      ...extra,
    },
  });
  try {
    return await listImage(image);
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
  expect((error as Error).message).not.toContain(PASSWORD);
  return error as ImageError;
}

const isBlob = (path: string | undefined): boolean => /\/blobs\/sha256:/.test(path ?? '');
const isManifest = (path: string | undefined): boolean => /\/manifests\//.test(path ?? '');

beforeAll(async () => {
  registry = await startDistribution(join(dir, 'registry'), {
    htpasswd: { user: USER, password: PASSWORD },
  });
  // 2 MiB of random bytes: a layer that does not compress, so a download can break midway.
  await writeOciLayout(
    join(dir, 'image'),
    {
      layers: [
        { kind: 'entries', entries: [{ name: 'data.bin', content: randomBytes(2 * 1024 * 1024) }] },
        await zstdLayer(TOP_LAYER),
      ],
    },
    'v1',
  );
  await skopeoCopy(`oci:${join(dir, 'image')}:v1`, `docker://${registry.host}/app:v1`, {
    creds: `${USER}:${PASSWORD}`,
  });
  const local = await openImage(join(dir, 'image'), { tmpDir: dir });
  expected = await listImage(local);
  await local.close();
});

afterAll(async () => {
  for (const started of proxies) await started.close();
  await registry.stop();
});

describe('registry faults: retries, resumed downloads, redirects, lying registries', () => {
  it('retries 503s and resumes a layer whose connection broke midway with a Range request', async () => {
    const seen = { manifest: 0, blob: new Map<string, number>() };
    const flaky = await proxy((request, response, forward) => {
      const path = request.url;
      if (
        request.method === 'GET' &&
        isManifest(path) &&
        request.headers.authorization &&
        seen.manifest++ < 2
      ) {
        response.writeHead(503).end();
        return;
      }
      if (request.method === 'GET' && isBlob(path)) {
        const count = (seen.blob.get(path ?? '') ?? 0) + 1;
        seen.blob.set(path ?? '', count);
        if (count === 1 && !request.headers.range) {
          // Only the 2 MiB layer is long enough to be cut; small blobs pass whole.
          forward(request, response, { cutAfter: 500_000 });
          return;
        }
      }
      forward(request, response);
    });
    expect(await pull(flaky.host)).toEqual(expected);
    const rangeRequests = flaky.requests.filter((entry) => entry.range !== undefined);
    expect(rangeRequests.length).toBeGreaterThanOrEqual(1);
    expect(rangeRequests[0]?.range).toMatch(/^bytes=\d+-$/);
    expect(flaky.requests.filter((entry) => isManifest(entry.path)).length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('waits out a 429 with Retry-After', async () => {
    let limited = false;
    const limiter = await proxy((request, response, forward) => {
      if (isManifest(request.url) && request.headers.authorization && !limited) {
        limited = true;
        response.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      forward(request, response);
    });
    const started = Date.now();
    expect(await pull(limiter.host)).toEqual(expected);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('follows a blob redirect to another host without sending it the credentials', async () => {
    const storage = await proxy((request, response, forward) => {
      // Blob storage answers without asking for credentials: it is given its own.
      forward(request, response, { authorization: BASIC });
    });
    const front = await proxy((request, response, forward) => {
      if (isBlob(request.url) && request.headers.authorization) {
        const port = storage.host.split(':')[1] ?? '';
        response.writeHead(307, { location: `http://localhost:${port}${request.url ?? ''}` }).end();
        return;
      }
      forward(request, response);
    });
    expect(await pull(front.host)).toEqual(expected);
    expect(storage.requests.length).toBeGreaterThanOrEqual(3);
    expect(storage.requests.every((entry) => entry.authorization === undefined)).toBe(true);
    expect(
      front.requests
        .filter((entry) => isManifest(entry.path))
        .some((entry) => entry.authorization === BASIC),
    ).toBe(true);
  });

  it('gives up after the retries with one line naming the status', async () => {
    const broken = await proxy((request, response, forward) => {
      if (isManifest(request.url)) {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'storage\ndriver exploded' }] }),
          );
        return;
      }
      forward(request, response);
    });
    const error = await failure(pull(broken.host, { retries: { attempts: 2, baseDelayMs: 5 } }));
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toBe(
      `${broken.host}/app:v1: registry ${broken.host} answered 500 for manifest for tag "v1" [UNKNOWN: storage\\ndriver exploded]`,
    );
    expect(broken.requests.filter((entry) => isManifest(entry.path)).length).toBe(3);
  });

  it('a registry that keeps rate limiting: RATE_LIMITED, one line', async () => {
    const limited = await proxy((request, response, forward) => {
      if (isManifest(request.url)) {
        response
          .writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));
        return;
      }
      forward(request, response);
    });
    const error = await failure(pull(limited.host, { retries: { attempts: 1, baseDelayMs: 5 } }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe(
      `${limited.host}/app:v1: registry ${limited.host} is rate limiting requests (429 Too Many Requests) [TOOMANYREQUESTS: slow down]; try again later or log in`,
    );
  });

  it('403 Forbidden: DENIED, naming registry and repository', async () => {
    const forbidding = await proxy((request, response, forward) => {
      if (isManifest(request.url) && request.headers.authorization) {
        response.writeHead(403, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
          }),
        );
        return;
      }
      forward(request, response);
    });
    const error = await failure(pull(forbidding.host));
    expect(error.code).toBe('DENIED');
    expect(error.message).toBe(
      `${forbidding.host}/app:v1: registry ${forbidding.host} denied access to ${forbidding.host}/app (403 Forbidden) [DENIED: requested access to the resource is denied]; the account used may not pull it (another can be given with --username and --password-stdin)`,
    );
  });

  it('a manifest whose bytes do not match its Docker-Content-Digest is refused', async () => {
    const liar = await proxy((request, response, forward) => {
      if (isManifest(request.url) && request.headers.authorization) {
        response.writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': `sha256:${'0'.repeat(64)}`,
        });
        response.end(
          JSON.stringify({
            schemaVersion: 2,
            config: { mediaType: 'x', digest: `sha256:${'1'.repeat(64)}`, size: 1 },
            layers: [],
          }),
        );
        return;
      }
      forward(request, response);
    });
    const error = await failure(pull(liar.host));
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toMatch(
      new RegExp(
        `^${liar.host}/app:v1: manifest for tag "v1": digest mismatch \\(expected sha256:0{64}, got sha256:[a-f0-9]{64}\\)$`,
      ),
    );
  });

  it('a manifest of another type than it claims, or malformed, names the field', async () => {
    const odd = await proxy((request, response, forward) => {
      if (isManifest(request.url) && request.headers.authorization) {
        response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        response.end(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: {
              mediaType: 'application/vnd.oci.image.config.v1+json',
              digest: 'sha256:nothex',
              size: -1,
            },
            layers: [],
          }),
        );
        return;
      }
      forward(request, response);
    });
    const error = await failure(pull(odd.host));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toMatch(
      /^127\.0\.0\.1:\d+\/app:v1: manifest sha256:[a-f0-9]{64}: config\.digest: not a valid digest; config\.size: .+$/,
    );
  });
});
