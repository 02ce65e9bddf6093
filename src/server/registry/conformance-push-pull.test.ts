// A port of the OCI distribution-spec conformance suite (conformance/01_pull_test.go and
// 02_push_test.go in opencontainers/distribution-spec, v1.1 workflows) to vitest: the same
// requests in the same order with the same expectations, against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import {
  digestOf,
  errorCodes,
  startTestRegistry,
  type TestRegistry,
} from '../testing/test-registry.js';

const data = conformanceData();
const name = 'conformance/push-pull';
let registry: TestRegistry;
let client: ReturnType<typeof registryClient>;

beforeAll(async () => {
  registry = await startTestRegistry();
  client = registryClient(registry.url);
});
afterAll(async () => {
  await registry.close();
});

describe('conformance push: blob upload streamed', () => {
  it('POST then PATCH with the whole blob yields 202, PUT with the digest yields 201', async () => {
    const start = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    expect(start.status).toBe(202);
    const location = start.headers.get('location');
    expect(location).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/`));
    const patch = await client.call('PATCH', location!, {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data.layerA.data,
    });
    expect(patch.status).toBe(202);
    expect(patch.headers.get('range')).toBe(`0-${data.layerA.data.length - 1}`);
    const put = await client.call(
      'PUT',
      `${patch.headers.get('location')!}?digest=${data.layerA.digest}`,
    );
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/${name}/blobs/${data.layerA.digest}`);
    expect(put.headers.get('docker-content-digest')).toBe(data.layerA.digest);
  });
});

describe('conformance push: blob upload monolithic', () => {
  it('GET of a nonexistent blob is 404 BLOB_UNKNOWN', async () => {
    const response = await client.call('GET', `/v2/${name}/blobs/${digestOf('nope')}`);
    expect(response.status).toBe(404);
    expect(errorCodes(await response.text())).toEqual(['BLOB_UNKNOWN']);
  });

  it('POST with digest and body yields 201, and the blob is then served', async () => {
    const post = await client.call(
      'POST',
      `/v2/${name}/blobs/uploads/?digest=${data.config.digest}`,
      {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: data.config.data,
      },
    );
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe(`/v2/${name}/blobs/${data.config.digest}`);
    const get = await client.call('GET', `/v2/${name}/blobs/${data.config.digest}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(data.config.data);
  });

  it('POST yields a session; PUT of the whole blob to it yields 201', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    expect(post.status).toBe(202);
    expect(post.headers.get('docker-upload-uuid')).toBeTruthy();
    const put = await client.call(
      'PUT',
      `${post.headers.get('location')!}?digest=${data.emptyConfig.digest}`,
      {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: data.emptyConfig.data,
      },
    );
    expect(put.status).toBe(201);
    expect(
      (await client.call('HEAD', `/v2/${name}/blobs/${data.emptyConfig.digest}`)).headers.get(
        'content-length',
      ),
    ).toBe('2');
  });
});

describe('conformance push: blob upload chunked', () => {
  const chunk1 = data.layerB.data.subarray(0, 5000);
  const chunk2 = data.layerB.data.subarray(5000);
  const range2 = `${chunk1.length}-${data.layerB.data.length - 1}`;
  let location = '';

  it('an out-of-order chunk is refused with 416', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`, { body: '' });
    const response = await client.call('PATCH', post.headers.get('location')!, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': range2 },
      body: chunk2,
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('range')).toBe('0-0');
  });

  it('PATCH with the first chunk yields 202 and the Range it holds', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`, { body: '' });
    const response = await client.call('PATCH', post.headers.get('location')!, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${chunk1.length - 1}`,
      },
      body: chunk1,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('range')).toBe(`0-${chunk1.length - 1}`);
    location = response.headers.get('location')!;
  });

  it('retrying the previous chunk is refused with 416', async () => {
    const response = await client.call('PATCH', location, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${chunk1.length - 1}`,
      },
      body: chunk1,
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('range')).toBe(`0-${chunk1.length - 1}`);
  });

  it('GET on the upload yields 204 with its Range and Location', async () => {
    const response = await client.call('GET', location);
    expect(response.status).toBe(204);
    expect(response.headers.get('range')).toBe(`0-${chunk1.length - 1}`);
    expect(response.headers.get('location')).toBe(location);
  });

  it('PUT with the final chunk and the digest yields 201; the blob reads back whole', async () => {
    const response = await client.call('PUT', `${location}?digest=${data.layerB.digest}`, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': range2 },
      body: chunk2,
    });
    expect(response.status).toBe(201);
    const get = await client.call('GET', `/v2/${name}/blobs/${data.layerB.digest}`);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(data.layerB.data);
  });

  it('DELETE cancels an upload; its status is then 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const cancel = await client.call('DELETE', post.headers.get('location')!);
    expect(cancel.status).toBe(204);
    const status = await client.call('GET', post.headers.get('location')!);
    expect(status.status).toBe(404);
    expect(errorCodes(await status.text())).toEqual(['BLOB_UPLOAD_UNKNOWN']);
  });
});

describe('conformance push: cross-repository blob mount', () => {
  it('mounting a blob from another repository yields 201 and links it', async () => {
    const response = await client.call(
      'POST',
      `/v2/conformance/mounted/blobs/uploads/?mount=${data.layerA.digest}&from=${name}`,
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(
      `/v2/conformance/mounted/blobs/${data.layerA.digest}`,
    );
    expect(response.headers.get('docker-content-digest')).toBe(data.layerA.digest);
    expect(
      (await client.call('HEAD', `/v2/conformance/mounted/blobs/${data.layerA.digest}`)).status,
    ).toBe(200);
  });

  it('mounting a blob the source does not have falls back to an upload session (202)', async () => {
    const response = await client.call(
      'POST',
      `/v2/conformance/mounted/blobs/uploads/?mount=${digestOf('absent')}&from=${name}`,
    );
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toMatch(/\/blobs\/uploads\//);
  });
});

describe('conformance push: manifest upload', () => {
  it('GET of a nonexistent manifest is 404', async () => {
    expect((await client.call('GET', `/v2/${name}/manifests/nonexistent`)).status).toBe(404);
  });

  it('PUT accepts a manifest under several tags', async () => {
    for (const tag of ['test0', 'test1', 'test2', 'test3']) {
      const response = await client.pushManifest(name, tag, data.manifest);
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/v2/${name}/manifests/${data.manifestDigest}`);
      expect(response.headers.get('docker-content-digest')).toBe(data.manifestDigest);
    }
  });

  it('accepts a manifest with no layers', async () => {
    expect((await client.pushManifest(name, 'emptylayer', data.emptyLayerManifest)).status).toBe(
      201,
    );
  });

  it('accepts a manifest with a subject and answers OCI-Subject', async () => {
    const response = await client.pushManifest(name, digestOf(data.referrerA), data.referrerA);
    expect(response.status).toBe(201);
    expect(response.headers.get('oci-subject')).toBe(data.manifestDigest);
  });
});

describe('conformance pull', () => {
  it('GET /v2/ is 200 with the API version header', async () => {
    const response = await client.call('GET', '/v2/');
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('HEAD and GET a manifest by tag and by digest', async () => {
    for (const reference of ['test0', data.manifestDigest]) {
      const head = await client.call('HEAD', `/v2/${name}/manifests/${reference}`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(data.manifestDigest);
      expect(head.headers.get('content-length')).toBe(String(data.manifest.length));
      const get = await client.call('GET', `/v2/${name}/manifests/${reference}`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(get.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(Buffer.from(await get.arrayBuffer())).toEqual(data.manifest);
    }
  });

  it('HEAD of a nonexistent manifest or blob is 404', async () => {
    expect((await client.call('HEAD', `/v2/${name}/manifests/${digestOf('x')}`)).status).toBe(404);
    expect((await client.call('HEAD', `/v2/${name}/blobs/${digestOf('x')}`)).status).toBe(404);
  });

  it('GET a blob, and a byte range of it (206)', async () => {
    const get = await client.call('GET', `/v2/${name}/blobs/${data.layerB.digest}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('docker-content-digest')).toBe(data.layerB.digest);
    const ranged = await client.call('GET', `/v2/${name}/blobs/${data.layerB.digest}`, {
      headers: { Range: 'bytes=10-19' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${data.layerB.data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(data.layerB.data.subarray(10, 20));
    const past = await client.call('GET', `/v2/${name}/blobs/${data.layerB.digest}`, {
      headers: { Range: `bytes=${data.layerB.data.length}-` },
    });
    expect(past.status).toBe(416);
  });

  it('a manifest is not served to a client whose Accept excludes its type', async () => {
    const response = await client.call('GET', `/v2/${name}/manifests/test0`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(response.status).toBe(404);
    expect(errorCodes(await response.text())).toEqual(['MANIFEST_UNKNOWN']);
  });
});
