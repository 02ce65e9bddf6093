// A port of the OCI distribution-spec conformance suite (conformance/01_pull_test.go and
// 02_push_test.go in opencontainers/distribution-spec, v1.1 workflows, ginkgo v2 edition) to
// vitest: the same requests in the same order with the same expectations, against the real
// server. Where the suite accepts several answers (201 or 202, 2xx or 404), the test pins the
// one this registry gives, so a change of behaviour is seen.
import { randomBytes } from 'node:crypto';
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

describe('conformance push: blob upload chunked, PATCH second chunk then PUT with no body', () => {
  // The suite's current flow (02_push_test.go "PATCH request with second chunk should return
  // 202", "PUT request with digest should return 201"): every byte arrives by PATCH, the PUT only
  // names the digest and carries Content-Length: 0.
  const blob = randomBytes(9000);
  const digest = digestOf(blob);
  const chunk1 = blob.subarray(0, 4500);
  const chunk2 = blob.subarray(4500);
  let first: Response;
  let location = '';

  it('PATCH with the first chunk yields 202 and its Range', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`, {
      headers: { 'Content-Length': '0' },
    });
    expect(post.status).toBe(202);
    first = post;
    const patch = await client.call('PATCH', post.headers.get('location')!, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${chunk1.length - 1}`,
      },
      body: chunk1,
    });
    expect(patch.status).toBe(202);
    expect(patch.headers.get('range')).toBe(`0-${chunk1.length - 1}`);
  });

  it('retrying the first chunk on the first Location is 416', async () => {
    const retry = await client.call('PATCH', first.headers.get('location')!, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `0-${chunk1.length - 1}`,
      },
      body: chunk1,
    });
    expect(retry.status).toBe(416);
  });

  it('GET on the (stale) first Location yields 204 with the Range held and a Location', async () => {
    const status = await client.call('GET', first.headers.get('location')!);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${chunk1.length - 1}`);
    location = status.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/`));
  });

  it('PATCH with the second chunk yields 202 with a Location', async () => {
    const patch = await client.call('PATCH', location, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${chunk1.length}-${blob.length - 1}`,
      },
      body: chunk2,
    });
    expect(patch.status).toBe(202);
    expect(patch.headers.get('range')).toBe(`0-${blob.length - 1}`);
    location = patch.headers.get('location')!;
    expect(location).toBeTruthy();
  });

  it('PUT with the digest and no body yields 201; the blob reads back whole', async () => {
    const put = await client.call('PUT', `${location}?digest=${digest}`, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': '0' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/${name}/blobs/${digest}`);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    const get = await client.call('GET', `/v2/${name}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(blob);
  });

  it('PUT with a digest that does not match the chunks is DIGEST_INVALID and stores nothing', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const patch = await client.call('PATCH', post.headers.get('location')!, { body: chunk1 });
    const put = await client.call('PUT', `${patch.headers.get('location')!}?digest=${digest}`);
    expect(put.status).toBe(400);
    expect(errorCodes(await put.text())).toEqual(['DIGEST_INVALID']);
    expect((await client.call('HEAD', `/v2/${name}/blobs/${digestOf(chunk1)}`)).status).toBe(404);
  });
});

describe('conformance push: blob upload monolithic, layer through a session', () => {
  it('PUT of a layer blob to a session yields 201 and the layer is served', async () => {
    const layer = randomBytes(3000);
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const put = await client.call(
      'PUT',
      `${post.headers.get('location')!}?digest=${digestOf(layer)}`,
      {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: layer,
      },
    );
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/${name}/blobs/${digestOf(layer)}`);
    const get = await client.call('GET', `/v2/${name}/blobs/${digestOf(layer)}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(layer);
  });
});

describe('conformance push: cross-repository blob mount', () => {
  it('mounting without `from` yields an upload session (202) with a Location, for any digest', async () => {
    const absent = await client.call(
      'POST',
      `/v2/conformance/mounted/blobs/uploads/?mount=${digestOf('dummy')}`,
    );
    expect(absent.status).toBe(202);
    expect(absent.headers.get('location')).toMatch(/^\/v2\/conformance\/mounted\/blobs\/uploads\//);
    // A blob another repository holds is not mounted either (no automatic content discovery):
    // the digest alone must not give access to another repository's blob.
    const present = await client.call(
      'POST',
      `/v2/conformance/nofrom/blobs/uploads/?mount=${data.layerA.digest}`,
    );
    expect(present.status).toBe(202);
    expect(
      (await client.call('HEAD', `/v2/conformance/nofrom/blobs/${data.layerA.digest}`)).status,
    ).toBe(404);
    // The session is a real one: the client uploads the bytes into it instead.
    const put = await client.call(
      'PUT',
      `${present.headers.get('location')!}?digest=${data.layerA.digest}`,
      { headers: { 'Content-Type': 'application/octet-stream' }, body: data.layerA.data },
    );
    expect(put.status).toBe(201);
    expect(
      (await client.call('HEAD', `/v2/conformance/nofrom/blobs/${data.layerA.digest}`)).status,
    ).toBe(200);
  });

  it('mounting without `from` with an invalid digest is 400 DIGEST_INVALID', async () => {
    const response = await client.call(
      'POST',
      '/v2/conformance/mounted/blobs/uploads/?mount=sha256:zz',
    );
    expect(response.status).toBe(400);
    expect(errorCodes(await response.text())).toEqual(['DIGEST_INVALID']);
  });

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
    const get = await client.call('GET', response.headers.get('location')!);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(data.layerA.data);
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

  it('HEAD of an existing blob is 200 with its digest and length; GET is 200 with its bytes', async () => {
    const head = await client.call('HEAD', `/v2/${name}/blobs/${data.config.digest}`);
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(data.config.digest);
    expect(head.headers.get('content-length')).toBe(String(data.config.data.length));
    const get = await client.call('GET', `/v2/${name}/blobs/${data.config.digest}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(data.config.data);
  });

  it('a 400 carries OCI-conforming JSON whose code is in the spec table', async () => {
    // The suite's "Error codes" case: a GET of a malformed digest reference, with a body.
    const response = await client.call('GET', `/v2/${name}/manifests/sha256:totallywrong`, {
      headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(errorCodes(await response.text())).toEqual(['DIGEST_INVALID']);
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

describe('conformance push and pull: teardown', () => {
  // The suite deletes what it pushed: manifests first (OCI_DELETE_MANIFEST_BEFORE_BLOBS, its
  // default), then the config and layer blobs. Every delete is 202 here; afterwards each is 404.
  it('deletes the manifests by digest (tagged, empty-layer, referrer)', async () => {
    for (const digest of [
      data.manifestDigest,
      digestOf(data.emptyLayerManifest),
      digestOf(data.referrerA),
    ]) {
      const response = await client.call('DELETE', `/v2/${name}/manifests/${digest}`);
      expect(response.status).toBe(202);
      expect((await client.call('GET', `/v2/${name}/manifests/${digest}`)).status).toBe(404);
    }
    expect((await client.call('GET', `/v2/${name}/manifests/test0`)).status).toBe(404);
  });

  it('deletes the config and layer blobs; a second delete is 404 BLOB_UNKNOWN', async () => {
    for (const blob of [data.config, data.emptyConfig, data.layerA, data.layerB]) {
      expect((await client.call('DELETE', `/v2/${name}/blobs/${blob.digest}`)).status).toBe(202);
      expect((await client.call('GET', `/v2/${name}/blobs/${blob.digest}`)).status).toBe(404);
      const again = await client.call('DELETE', `/v2/${name}/blobs/${blob.digest}`);
      expect(again.status).toBe(404);
      expect(errorCodes(await again.text())).toEqual(['BLOB_UNKNOWN']);
    }
    // Another repository's link to the same bytes is untouched.
    expect(
      (await client.call('HEAD', `/v2/conformance/mounted/blobs/${data.layerA.digest}`)).status,
    ).toBe(200);
  });
});
