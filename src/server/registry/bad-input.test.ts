import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import {
  digestOf,
  errorCodes,
  rawRequest,
  startTestRegistry,
  type RawResponse,
  type TestRegistry,
} from '../testing/test-registry.js';

const data = conformanceData();
const name = 'bad/input';
let registry: TestRegistry;
let client: ReturnType<typeof registryClient>;

beforeAll(async () => {
  registry = await startTestRegistry({ maxManifestBytes: 64 * 1024 });
  client = registryClient(registry.url);
  for (const blob of [data.config, data.layerA, data.layerB])
    await client.pushBlob(name, blob.data);
});
afterAll(async () => {
  await registry.close();
});

/** Every blob file on disk: what "nothing stored" is checked against. */
function storedBlobs(): string[] {
  const root = join(registry.dataDir, 'registry', 'storage', 'blobs', 'sha256');
  return readdirSync(root).flatMap((prefix) =>
    readdirSync(join(root, prefix)).map((file) => `sha256:${file}`),
  );
}

function expectError(
  response: RawResponse | 'connection-closed',
  status: number,
  code: string,
): void {
  if (response === 'connection-closed') throw new Error('connection closed without a response');
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json');
  const body = JSON.parse(response.body.toString()) as {
    errors: { code: string; message: string; detail: unknown }[];
  };
  expect(body.errors[0]?.code).toBe(code);
  expect(body.errors[0]?.message).toMatch(/^[^\n]+$/);
  expect(body.errors[0]?.detail).toBeTypeOf('object');
}

describe('bad input is refused with the spec error code and nothing is stored', () => {
  it('a blob whose content does not match its digest: DIGEST_INVALID, no blob, upload gone', async () => {
    const before = storedBlobs();
    const claimed = digestOf('something else');
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const location = post.headers.get('location')!;
    const put = await client.call('PUT', `${location}?digest=${claimed}`, {
      body: Buffer.from('actual content'),
    });
    expect(put.status).toBe(400);
    expect(errorCodes(await put.text())).toEqual(['DIGEST_INVALID']);
    expect((await client.call('GET', location)).status).toBe(404);
    const single = await client.call('POST', `/v2/${name}/blobs/uploads/?digest=${claimed}`, {
      body: Buffer.from('actual content'),
    });
    expect(single.status).toBe(400);
    expect(storedBlobs()).toEqual(before);
  });

  it('a truncated upload (client dies mid-body) leaves no blob and no partial chunk', async () => {
    const before = storedBlobs();
    const body = Buffer.alloc(256 * 1024, 1);
    const digest = digestOf(body);
    await rawRequest(registry.url, {
      method: 'POST',
      path: `/v2/${name}/blobs/uploads/?digest=${digest}`,
      headers: { 'Content-Length': String(body.length) },
      body,
      truncateAfter: 1000,
    });
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const location = post.headers.get('location')!;
    await rawRequest(registry.url, {
      method: 'PATCH',
      path: location,
      headers: { 'Content-Length': String(body.length) },
      body,
      truncateAfter: 1000,
    });
    expect((await client.call('GET', location)).headers.get('range')).toBe('0-0');
    expect((await client.call('HEAD', `/v2/${name}/blobs/${digest}`)).status).toBe(404);
    expect(storedBlobs()).toEqual(before);
    // The server notices the vanished client asynchronously; its temp file must go soon after.
    const tmp = join(registry.dataDir, 'registry', 'storage', 'tmp');
    for (let waited = 0; readdirSync(tmp).length > 0 && waited < 5000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('an oversized manifest: 413 MANIFEST_INVALID before the body is stored', async () => {
    const huge = Buffer.from(
      JSON.stringify({ schemaVersion: 2, annotations: { pad: 'x'.repeat(70 * 1024) } }),
    );
    const response = await rawRequest(registry.url, {
      method: 'PUT',
      path: `/v2/${name}/manifests/huge`,
      headers: {
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
        'Content-Length': String(huge.length),
      },
      body: huge,
    });
    expectError(response, 413, 'MANIFEST_INVALID');
    expect((await client.call('GET', `/v2/${name}/manifests/huge`)).status).toBe(404);
  });

  it('invalid JSON, a schema violation, an unknown media type: 400 MANIFEST_INVALID naming the problem', async () => {
    const cases: [Buffer, string, RegExp][] = [
      [
        Buffer.from('{"schemaVersion": 2,'),
        'application/vnd.oci.image.manifest.v1+json',
        /not valid JSON/,
      ],
      [
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: {},
            layers: [],
          }),
        ),
        'application/vnd.oci.image.manifest.v1+json',
        /config\.mediaType/,
      ],
      [
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/x-unknown' })),
        'application/x-unknown',
        /unsupported manifest media type "application\/x-unknown"/,
      ],
      [
        data.manifest,
        'application/vnd.docker.distribution.manifest.v2+json',
        /does not match Content-Type/,
      ],
    ];
    for (const [body, type, message] of cases) {
      const response = await client.pushManifest(name, 'bad', body, type);
      expect(response.status).toBe(400);
      const parsed = (await response.json()) as { errors: { code: string; message: string }[] };
      expect(parsed.errors[0]?.code).toBe('MANIFEST_INVALID');
      expect(parsed.errors[0]?.message).toMatch(message);
    }
    expect((await client.call('GET', `/v2/${name}/manifests/bad`)).status).toBe(404);
  });

  it('a manifest PUT by a digest that does not match its bytes: DIGEST_INVALID', async () => {
    const response = await client.pushManifest(name, digestOf('other'), data.manifest);
    expect(response.status).toBe(400);
    expect(errorCodes(await response.text())).toEqual(['DIGEST_INVALID']);
    expect((await client.call('GET', `/v2/${name}/manifests/${data.manifestDigest}`)).status).toBe(
      404,
    );
  });

  it('names that break the grammar, and traversal in names, references and digests', async () => {
    const cases: [string, string, number, string][] = [
      ['GET', '/v2/UPPER/case/tags/list', 400, 'NAME_INVALID'],
      ['GET', '/v2/a..b/manifests/latest', 400, 'NAME_INVALID'],
      ['GET', '/v2/../../etc/manifests/latest', 400, 'NAME_INVALID'],
      ['GET', '/v2/%2e%2e/etc/blobs/sha256:' + 'a'.repeat(64), 400, 'NAME_INVALID'],
      ['PUT', `/v2/${name}/manifests/..%2f..%2fescape`, 400, 'MANIFEST_INVALID'],
      ['GET', `/v2/${name}/manifests/-leading-dash`, 404, 'MANIFEST_UNKNOWN'],
      ['DELETE', `/v2/${name}/manifests/-leading-dash`, 404, 'MANIFEST_UNKNOWN'],
      ['GET', `/v2/${name}/blobs/sha256:..%2F..%2Fetc%2Fpasswd`, 400, 'DIGEST_INVALID'],
      ['GET', `/v2/${name}/blobs/md5:d41d8cd98f00b204e9800998ecf8427e`, 400, 'DIGEST_INVALID'],
      ['GET', `/v2/${name}/blobs/uploads/..%2F..%2Fregistry.db`, 404, 'BLOB_UPLOAD_UNKNOWN'],
      [
        'PATCH',
        `/v2/${name}/blobs/uploads/00000000-0000-0000-0000-000000000000`,
        404,
        'BLOB_UPLOAD_UNKNOWN',
      ],
      ['POST', `/v2/${name}/blobs/uploads/?mount=sha256:zz&from=${name}`, 400, 'DIGEST_INVALID'],
      [
        'POST',
        `/v2/${name}/blobs/uploads/?mount=sha256:${'0'.repeat(64)}&from=..%2Fsecret`,
        400,
        'NAME_INVALID',
      ],
      ['DELETE', '/v2/_catalog', 405, 'UNSUPPORTED'],
    ];
    for (const [method, path, status, code] of cases) {
      const response = await rawRequest(registry.url, { method, path, body: Buffer.alloc(0) });
      expectError(response, status, code);
    }
  });

  it('an upload session is bound to its repository', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const id = post.headers.get('docker-upload-uuid')!;
    const response = await client.call('GET', `/v2/other/repo/blobs/uploads/${id}`);
    expect(response.status).toBe(404);
    expect(errorCodes(await response.text())).toEqual(['BLOB_UPLOAD_UNKNOWN']);
  });

  it('a chunk whose Content-Range disagrees with its length is refused with 416 and nothing appended', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const location = post.headers.get('location')!;
    const response = await client.call('PATCH', location, {
      headers: { 'Content-Range': '0-99' },
      body: Buffer.alloc(10),
    });
    expect(response.status).toBe(416);
    expect((await client.call('GET', location)).headers.get('range')).toBe('0-0');
    const garbage = await client.call('PATCH', location, {
      headers: { 'Content-Range': 'bytes=abc' },
      body: Buffer.alloc(10),
    });
    expect(garbage.status).toBe(416);
  });
});
