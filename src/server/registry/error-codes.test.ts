// Every error the registry answers, provoked over real HTTP, must carry a code from the OCI
// distribution spec's table (and only such codes: Distribution's TAG_INVALID,
// PAGINATION_NUMBER_INVALID, RANGE_INVALID and UNKNOWN are gone). Each case also pins the code
// and status it should get, so the mapping chosen in README.md is what the wire shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  basic,
  pushImage,
  randomImage,
  api,
  startIdentityServer,
  type IdentityTestServer,
} from '../identity/testing/identity-server.js';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import {
  digestOf,
  rawRequest,
  startTestRegistry,
  type TestRegistry,
} from '../testing/test-registry.js';
import { SPEC_ERROR_CODES } from './errors.js';

// The table in spec.md ("Error Codes", code-1 … code-14), typed in here from the spec, not
// imported, so the test fails if errors.ts drifts from it.
const SPEC_TABLE = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
];

interface Case {
  readonly why: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  readonly status: number;
  readonly code: string;
}

const data = conformanceData();
const name = 'errors/walk';
let registry: TestRegistry;
let identity: IdentityTestServer;
const seen = new Set<string>();

beforeAll(async () => {
  registry = await startTestRegistry({ maxManifestBytes: 64 * 1024 });
  identity = await startIdentityServer({ LOCKYARD_AUTH_LOGIN_FAILURE_LIMIT: '2' });
  const client = registryClient(registry.url);
  for (const blob of [data.config, data.layerA, data.layerB])
    await client.pushBlob(name, blob.data);
  expect((await client.pushManifest(name, 'v1', data.manifest)).status).toBe(201);
});
afterAll(async () => {
  await registry.close();
  await identity.close();
});

async function upload(): Promise<string> {
  const response = await fetch(`${registry.url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  return response.headers.get('location')!;
}

/** Sends a case and checks the wire form: JSON, one entry per error, a one-line message. */
async function expectCase(base: string, entry: Case): Promise<void> {
  const response = await rawRequest(base, {
    method: entry.method,
    path: entry.path,
    ...(entry.headers ? { headers: entry.headers } : {}),
    body: entry.body ?? Buffer.alloc(0),
  });
  if (response === 'connection-closed') throw new Error(`${entry.why}: connection closed`);
  expect(response.status, entry.why).toBe(entry.status);
  expect(response.headers['content-type'], entry.why).toBe('application/json');
  const body = JSON.parse(response.body.toString()) as {
    errors: { code: string; message: string; detail: unknown }[];
  };
  expect(body.errors.length, entry.why).toBeGreaterThan(0);
  for (const error of body.errors) {
    expect(SPEC_TABLE, `${entry.why}: ${error.code}`).toContain(error.code);
    expect(error.message, entry.why).toMatch(/^[^\n]+$/);
    expect(typeof error.detail, entry.why).toBe('object');
    seen.add(error.code);
  }
  expect(body.errors[0]?.code, entry.why).toBe(entry.code);
}

describe('registry error codes', () => {
  it('the code list in errors.ts is exactly the spec table', () => {
    expect([...SPEC_ERROR_CODES].sort()).toEqual([...SPEC_TABLE].sort());
  });

  it('no source file of the registry names a code outside the table', () => {
    // The type system already refuses other codes; this catches a cast or a literal body.
    const dir = import.meta.dirname;
    const sources = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => join(dir, file))
      .concat(join(dir, '..', 'identity', 'tag-guard.ts'));
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/RegistryError\(\s*'(?<code>[A-Z_]+)'/g))
        expect(SPEC_TABLE, `${file}: ${match.groups?.['code']}`).toContain(match.groups?.['code']);
      for (const match of text.matchAll(/code: '(?<code>[A-Z_]+)'/g))
        expect(SPEC_TABLE, `${file}: ${match.groups?.['code']}`).toContain(match.groups?.['code']);
    }
  });

  it('every refusal of the anonymous registry uses a spec code with the status it maps to', async () => {
    const absent = digestOf('absent');
    const orphanManifest = Buffer.from(
      data.manifest.toString().replace(data.layerA.digest, digestOf('missing layer')),
    );
    const cases: Case[] = [
      {
        why: 'blob absent',
        method: 'GET',
        path: `/v2/${name}/blobs/${absent}`,
        status: 404,
        code: 'BLOB_UNKNOWN',
      },
      {
        why: 'blob delete absent',
        method: 'DELETE',
        path: `/v2/${name}/blobs/${absent}`,
        status: 404,
        code: 'BLOB_UNKNOWN',
      },
      {
        why: 'upload unknown',
        method: 'GET',
        path: `/v2/${name}/blobs/uploads/00000000-0000-0000-0000-000000000000`,
        status: 404,
        code: 'BLOB_UPLOAD_UNKNOWN',
      },
      {
        why: 'chunk out of order',
        method: 'PATCH',
        path: await upload(),
        headers: { 'Content-Range': '5-9' },
        body: Buffer.alloc(5),
        status: 416,
        code: 'BLOB_UPLOAD_INVALID',
      },
      {
        why: 'bad digest',
        method: 'GET',
        path: `/v2/${name}/blobs/sha256:zz`,
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        why: 'PUT without digest',
        method: 'PUT',
        path: await upload(),
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        why: 'PUT with wrong digest',
        method: 'PUT',
        path: `${await upload()}?digest=${absent}`,
        body: Buffer.from('xyz'),
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        why: 'manifest digest mismatch',
        method: 'PUT',
        path: `/v2/${name}/manifests/${absent}`,
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: data.manifest,
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        why: 'manifest blob missing',
        method: 'PUT',
        path: `/v2/${name}/manifests/orphan`,
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: orphanManifest,
        status: 400,
        code: 'MANIFEST_BLOB_UNKNOWN',
      },
      {
        why: 'manifest not JSON',
        method: 'PUT',
        path: `/v2/${name}/manifests/bad`,
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: Buffer.from('{'),
        status: 400,
        code: 'MANIFEST_INVALID',
      },
      {
        why: 'manifest too large',
        method: 'PUT',
        path: `/v2/${name}/manifests/big`,
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: Buffer.alloc(65 * 1024, 32),
        status: 413,
        code: 'MANIFEST_INVALID',
      },
      {
        why: 'PUT under an invalid tag (was TAG_INVALID)',
        method: 'PUT',
        path: `/v2/${name}/manifests/-bad`,
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: data.manifest,
        status: 400,
        code: 'MANIFEST_INVALID',
      },
      {
        why: 'GET of an invalid tag (was TAG_INVALID)',
        method: 'GET',
        path: `/v2/${name}/manifests/.bad`,
        status: 404,
        code: 'MANIFEST_UNKNOWN',
      },
      {
        why: 'manifest absent',
        method: 'GET',
        path: `/v2/${name}/manifests/nope`,
        status: 404,
        code: 'MANIFEST_UNKNOWN',
      },
      {
        why: 'Accept excludes the type',
        method: 'GET',
        path: `/v2/${name}/manifests/v1`,
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        status: 404,
        code: 'MANIFEST_UNKNOWN',
      },
      {
        why: 'manifest delete absent',
        method: 'DELETE',
        path: `/v2/${name}/manifests/${absent}`,
        status: 404,
        code: 'MANIFEST_UNKNOWN',
      },
      {
        why: 'name grammar',
        method: 'GET',
        path: '/v2/UPPER/tags/list',
        status: 400,
        code: 'NAME_INVALID',
      },
      {
        why: 'repository unknown (tags)',
        method: 'GET',
        path: '/v2/no/such/tags/list',
        status: 404,
        code: 'NAME_UNKNOWN',
      },
      {
        why: 'repository unknown (manifest)',
        method: 'GET',
        path: '/v2/no/such/manifests/latest',
        status: 404,
        code: 'NAME_UNKNOWN',
      },
      {
        why: 'Content-Length beyond a safe integer',
        method: 'PATCH',
        path: await upload(),
        // The body never comes: the connection must not be reused for the next case.
        headers: { 'Content-Length': '9007199254740993', Connection: 'close' },
        status: 400,
        code: 'SIZE_INVALID',
      },
      {
        why: 'bad page size (was PAGINATION_NUMBER_INVALID)',
        method: 'GET',
        path: `/v2/${name}/tags/list?n=ten`,
        status: 400,
        code: 'UNSUPPORTED',
      },
      {
        why: 'bad catalog page size',
        method: 'GET',
        path: '/v2/_catalog?n=-1',
        status: 400,
        code: 'UNSUPPORTED',
      },
      {
        why: 'unsatisfiable range (was RANGE_INVALID)',
        method: 'GET',
        path: `/v2/${name}/blobs/${data.config.digest}`,
        headers: { Range: `bytes=${data.config.data.length + 10}-` },
        status: 416,
        code: 'UNSUPPORTED',
      },
      {
        why: 'method not allowed',
        method: 'DELETE',
        path: '/v2/_catalog',
        status: 405,
        code: 'UNSUPPORTED',
      },
      {
        why: 'no such endpoint',
        method: 'GET',
        path: `/v2/${name}/nothing/here`,
        status: 404,
        code: 'UNSUPPORTED',
      },
    ];
    for (const entry of cases) await expectCase(registry.url, entry);
  });

  it('access refusals with identities on use UNAUTHORIZED, DENIED and TOOMANYREQUESTS', async () => {
    const admin = basic('admin', ADMIN_PASSWORD);
    expect((await api(identity.url, 'POST', 'projects', admin, { name: 'locked' })).status).toBe(
      201,
    );
    expect(
      (await api(identity.url, 'POST', 'projects/locked/immutable-tags', admin, { pattern: 'v*' }))
        .status,
    ).toBe(201);
    const image = randomImage();
    const other = randomImage();
    expect(await pushImage(identity.url, 'locked/app', 'v1', image, admin)).toBe(201);
    expect(await pushImage(identity.url, 'locked/app', 'latest', other, admin)).toBe(201);
    await expectCase(identity.url, {
      why: 'anonymous pull',
      method: 'GET',
      path: '/v2/locked/app/manifests/v1',
      status: 401,
      code: 'UNAUTHORIZED',
    });
    await expectCase(identity.url, {
      why: 'immutable tag moved',
      method: 'PUT',
      path: '/v2/locked/app/manifests/v1',
      headers: {
        authorization: admin,
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
      },
      body: other.manifest,
      status: 403,
      code: 'DENIED',
    });
    const wrong = basic('admin', 'not-the-password');
    let limited = false;
    for (let attempt = 0; attempt < 5 && !limited; attempt += 1) {
      const response = await rawRequest(identity.url, {
        method: 'GET',
        path: '/v2/locked/app/tags/list',
        headers: { authorization: wrong },
      });
      if (response !== 'connection-closed' && response.status === 429) limited = true;
    }
    expect(limited).toBe(true);
    await expectCase(identity.url, {
      why: 'too many failed sign-ins',
      method: 'GET',
      path: '/v2/locked/app/tags/list',
      headers: { authorization: wrong },
      status: 429,
      code: 'TOOMANYREQUESTS',
    });
  });

  it('the walk met every code of the table', () => {
    expect([...seen].sort()).toEqual([...SPEC_TABLE].sort());
  });
});
