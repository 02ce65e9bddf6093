// Docker image manifest v2.2 (schema 2 manifest and manifest list) over real HTTP: pushed,
// fetched and probed by tag and by digest with the exact headers a Docker client relies on,
// deleted by digest, and a list naming a child the repository lacks refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import {
  digestOf,
  errorCodes,
  startTestRegistry,
  type TestRegistry,
} from '../testing/test-registry.js';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const data = conformanceData();
const name = 'docker/media-types';
let registry: TestRegistry;
let client: ReturnType<typeof registryClient>;

// Pretty-printed, as `docker push` sends it: the digest is of these exact bytes, whitespace included.
const manifest = Buffer.from(
  JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: data.config.data.length,
        digest: data.config.digest,
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: data.layerA.data.length,
          digest: data.layerA.digest,
        },
      ],
    },
    null,
    3,
  ),
);
const manifestDigest = digestOf(manifest);
const listOf = (children: { digest: string; size: number }[]): Buffer =>
  Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: children.map((child, i) => ({
          mediaType: DOCKER_MANIFEST,
          size: child.size,
          digest: child.digest,
          platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
        })),
      },
      null,
      3,
    ),
  );
const list = listOf([{ digest: manifestDigest, size: manifest.length }]);
const listDigest = digestOf(list);

beforeAll(async () => {
  registry = await startTestRegistry();
  client = registryClient(registry.url);
  for (const blob of [data.config, data.layerA]) await client.pushBlob(name, blob.data);
});
afterAll(async () => {
  await registry.close();
});

async function expectServed(
  reference: string,
  mediaType: string,
  bytes: Buffer,
  accept: string,
): Promise<void> {
  for (const method of ['HEAD', 'GET']) {
    const response = await client.call(method, `/v2/${name}/manifests/${reference}`, {
      headers: { Accept: accept },
    });
    expect(response.status, `${method} ${reference}`).toBe(200);
    expect(response.headers.get('content-type')).toBe(mediaType);
    expect(response.headers.get('docker-content-digest')).toBe(digestOf(bytes));
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    const body = Buffer.from(await response.arrayBuffer());
    expect(body).toEqual(method === 'GET' ? bytes : Buffer.alloc(0));
  }
}

describe('Docker schema 2 manifest', () => {
  it('is stored under a tag with its digest and Location', async () => {
    const put = await client.pushManifest(name, 'v2', manifest, DOCKER_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(manifestDigest);
    expect(put.headers.get('location')).toBe(`/v2/${name}/manifests/${manifestDigest}`);
  });

  it('GET and HEAD by tag and by digest give exact type, digest, length and bytes', async () => {
    // Docker's own Accept list, and a client that names only this type.
    const dockerAccept = `${DOCKER_MANIFEST}, ${DOCKER_LIST}, application/vnd.oci.image.manifest.v1+json`;
    for (const reference of ['v2', manifestDigest]) {
      await expectServed(reference, DOCKER_MANIFEST, manifest, dockerAccept);
      await expectServed(reference, DOCKER_MANIFEST, manifest, DOCKER_MANIFEST);
    }
  });

  it('is not converted for a client that accepts only OCI types (404 MANIFEST_UNKNOWN)', async () => {
    const response = await client.call('GET', `/v2/${name}/manifests/v2`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(response.status).toBe(404);
    expect(errorCodes(await response.text())).toEqual(['MANIFEST_UNKNOWN']);
  });
});

describe('Docker manifest list', () => {
  it('is stored once its child is in the repository', async () => {
    const put = await client.pushManifest(name, 'multi', list, DOCKER_LIST);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(listDigest);
  });

  it('GET and HEAD by tag and by digest give exact type, digest, length and bytes', async () => {
    for (const reference of ['multi', listDigest]) {
      await expectServed(reference, DOCKER_LIST, list, `${DOCKER_LIST}, ${DOCKER_MANIFEST}`);
      await expectServed(reference, DOCKER_LIST, list, '*/*');
    }
  });

  it('naming a child manifest the repository lacks is refused with MANIFEST_BLOB_UNKNOWN', async () => {
    const absent = digestOf('a child never pushed');
    const dangling = listOf([
      { digest: manifestDigest, size: manifest.length },
      { digest: absent, size: 1234 },
    ]);
    const put = await client.pushManifest(name, 'dangling', dangling, DOCKER_LIST);
    expect(put.status).toBe(400);
    expect(await put.json()).toEqual({
      errors: [
        {
          code: 'MANIFEST_BLOB_UNKNOWN',
          message: `manifest references ${absent}, which is not in repository ${name}`,
          detail: { digest: absent },
        },
      ],
    });
    expect((await client.call('HEAD', `/v2/${name}/manifests/dangling`)).status).toBe(404);
    expect((await client.call('HEAD', `/v2/${name}/manifests/${digestOf(dangling)}`)).status).toBe(
      404,
    );
    // A child in another repository does not count: references are per repository.
    const elsewhere = await client.pushManifest('docker/other', 'multi', list, DOCKER_LIST);
    expect(elsewhere.status).toBe(400);
    expect(errorCodes(await elsewhere.text())).toEqual(['MANIFEST_BLOB_UNKNOWN']);
  });
});

describe('Docker manifests deleted by digest', () => {
  it('DELETE of the list by digest is 202; its tag and digest are then 404, the child stays', async () => {
    const deleted = await client.call('DELETE', `/v2/${name}/manifests/${listDigest}`);
    expect(deleted.status).toBe(202);
    for (const reference of ['multi', listDigest]) {
      const response = await client.call('GET', `/v2/${name}/manifests/${reference}`, {
        headers: { Accept: DOCKER_LIST },
      });
      expect(response.status).toBe(404);
      expect(errorCodes(await response.text())).toEqual(['MANIFEST_UNKNOWN']);
    }
    await expectServed('v2', DOCKER_MANIFEST, manifest, DOCKER_MANIFEST);
  });

  it('DELETE of the schema 2 manifest by digest is 202, then 404 by tag and digest; again is 404', async () => {
    expect((await client.call('DELETE', `/v2/${name}/manifests/${manifestDigest}`)).status).toBe(
      202,
    );
    for (const reference of ['v2', manifestDigest])
      expect(
        (
          await client.call('HEAD', `/v2/${name}/manifests/${reference}`, {
            headers: { Accept: DOCKER_MANIFEST },
          })
        ).status,
      ).toBe(404);
    const again = await client.call('DELETE', `/v2/${name}/manifests/${manifestDigest}`);
    expect(again.status).toBe(404);
    expect(errorCodes(await again.text())).toEqual(['MANIFEST_UNKNOWN']);
  });
});
