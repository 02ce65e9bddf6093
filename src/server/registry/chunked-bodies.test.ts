// Request bodies without Content-Length (Transfer-Encoding: chunked), the wire form the official
// OCI conformance suite sends: its HTTP client (reggie over resty) passes bodies as an io.Reader,
// so Go drops the suite's own Content-Length header and chunk-encodes every body. The ported
// suite (conformance-*.test.ts) sends the same requests over fetch, which always declares a
// length; this file pins that both forms give the same answers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  digestOf,
  errorCodes,
  rawRequest,
  startTestRegistry,
  type RawResponse,
  type TestRegistry,
} from '../testing/test-registry.js';

const name = 'conformance/chunked-wire';
let registry: TestRegistry;

beforeAll(async () => {
  registry = await startTestRegistry();
});
afterAll(async () => {
  await registry.close();
});

/** Sends `body` chunk-encoded (no Content-Length), as Go does for a body of unknown length. */
async function send(
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await rawRequest(registry.url, {
    method,
    path,
    headers: body === undefined ? headers : { ...headers, 'Transfer-Encoding': 'chunked' },
    ...(body === undefined ? {} : { body }),
  });
  if (response === 'connection-closed') throw new Error(`${method} ${path}: connection closed`);
  return response;
}

function header(response: RawResponse, key: string): string | undefined {
  const value = response.headers[key];
  return Array.isArray(value) ? value[0] : value;
}

async function startSession(): Promise<string> {
  const start = await send('POST', `/v2/${name}/blobs/uploads/`);
  expect(start.status).toBe(202);
  return header(start, 'location')!;
}

async function readBlob(digest: string): Promise<Buffer> {
  const response = await send('GET', `/v2/${name}/blobs/${digest}`);
  expect(response.status).toBe(200);
  return response.body;
}

const octets = { 'Content-Type': 'application/octet-stream' };

describe('chunk-encoded request bodies (the official suite wire form)', () => {
  it('streamed: PATCH with the whole blob then PUT with the digest yields 201', async () => {
    const blob = randomBytes(4096);
    const patch = await send('PATCH', await startSession(), blob, octets);
    expect(patch.status).toBe(202);
    expect(header(patch, 'range')).toBe(`0-${blob.length - 1}`);
    const digest = digestOf(blob);
    const put = await send('PUT', `${header(patch, 'location')!}?digest=${digest}`);
    expect(put.status).toBe(201);
    expect(await readBlob(digest)).toEqual(blob);
  });

  it('monolithic: POST with digest and body, and PUT to a session, each yield 201', async () => {
    const first = randomBytes(129);
    const post = await send(
      'POST',
      `/v2/${name}/blobs/uploads/?digest=${digestOf(first)}`,
      first,
      octets,
    );
    expect(post.status).toBe(201);
    expect(header(post, 'location')).toBe(`/v2/${name}/blobs/${digestOf(first)}`);
    expect(await readBlob(digestOf(first))).toEqual(first);

    const second = randomBytes(2000);
    const put = await send('PUT', `${await startSession()}?digest=${digestOf(second)}`, second, {
      ...octets,
    });
    expect(put.status).toBe(201);
    expect(await readBlob(digestOf(second))).toEqual(second);
  });

  it('chunked upload: Content-Range chunks, a retried chunk is 416, GET shows the Range, PUT completes', async () => {
    const blob = randomBytes(42);
    const [one, two] = [blob.subarray(0, 22), blob.subarray(22)];
    const location = await startSession();
    const outOfOrder = await send('PATCH', await startSession(), two, {
      ...octets,
      'Content-Range': `22-41`,
    });
    expect(outOfOrder.status).toBe(416);

    const patch1 = await send('PATCH', location, one, { ...octets, 'Content-Range': '0-21' });
    expect(patch1.status).toBe(202);
    expect(header(patch1, 'range')).toBe('0-21');
    const retry = await send('PATCH', location, one, { ...octets, 'Content-Range': '0-21' });
    expect(retry.status).toBe(416);
    expect(errorCodes(retry.body)).toEqual(['BLOB_UPLOAD_INVALID']);
    const status = await send('GET', location);
    expect(status.status).toBe(204);
    expect(header(status, 'range')).toBe('0-21');

    const patch2 = await send('PATCH', header(status, 'location')!, two, {
      ...octets,
      'Content-Range': '22-41',
    });
    expect(patch2.status).toBe(202);
    const put = await send('PUT', `${header(patch2, 'location')!}?digest=${digestOf(blob)}`);
    expect(put.status).toBe(201);
    expect(await readBlob(digestOf(blob))).toEqual(blob);
  });

  it('a chunk-encoded body whose digest does not match is DIGEST_INVALID and nothing is stored', async () => {
    const blob = randomBytes(300);
    const wrong = digestOf(randomBytes(300));
    const put = await send('PUT', `${await startSession()}?digest=${wrong}`, blob, octets);
    expect(put.status).toBe(400);
    expect(errorCodes(put.body)).toEqual(['DIGEST_INVALID']);
    expect((await send('HEAD', `/v2/${name}/blobs/${wrong}`)).status).toBe(404);
  });

  it('a chunk-encoded manifest PUT yields 201 and reads back byte for byte', async () => {
    const config = Buffer.from(
      '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
    );
    const pushed = await send(
      'POST',
      `/v2/${name}/blobs/uploads/?digest=${digestOf(config)}`,
      config,
      octets,
    );
    expect(pushed.status).toBe(201);
    const manifest = Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: digestOf(config),
            size: config.length,
          },
          layers: [],
        },
        null,
        '\t',
      ),
    );
    const put = await send('PUT', `/v2/${name}/manifests/chunked`, manifest, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(put.status).toBe(201);
    expect(header(put, 'docker-content-digest')).toBe(digestOf(manifest));
    const get = await send('GET', `/v2/${name}/manifests/${digestOf(manifest)}`, undefined, {
      Accept: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(manifest);
  });
});
