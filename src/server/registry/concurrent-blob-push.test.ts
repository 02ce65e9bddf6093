// Several clients pushing the same blob at once over real HTTP, each in its own upload session,
// monolithic and chunked, into one repository and into several: every push succeeds, the bytes
// are stored once and intact, and no temp or upload file is left behind.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryClient } from '../testing/conformance-data.js';
import { digestOf, startTestRegistry, type TestRegistry } from '../testing/test-registry.js';

let registry: TestRegistry;
let client: ReturnType<typeof registryClient>;
let storage: string;

beforeAll(async () => {
  registry = await startTestRegistry();
  client = registryClient(registry.url);
  storage = join(registry.dataDir, 'registry', 'storage');
});
afterAll(async () => {
  await registry.close();
});

/** Every file under `root`, relative to it. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((entry) => {
    const path = join(root, entry);
    return statSync(path).isDirectory() ? files(path).map((inner) => join(entry, inner)) : [entry];
  });
}

/** POST ?digest= with the whole body. */
async function monolithic(name: string, blob: Buffer): Promise<Response> {
  return client.call('POST', `/v2/${name}/blobs/uploads/?digest=${digestOf(blob)}`, {
    headers: { 'Content-Type': 'application/octet-stream' },
    body: blob,
  });
}

/** POST a session, then PUT the whole body with the digest. */
async function sessionPut(name: string, blob: Buffer): Promise<Response> {
  const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
  return client.call('PUT', `${post.headers.get('location')!}?digest=${digestOf(blob)}`, {
    headers: { 'Content-Type': 'application/octet-stream' },
    body: blob,
  });
}

/** POST a session, PATCH `chunks` ranged chunks, PUT with no body. */
async function chunked(name: string, blob: Buffer, chunks: number): Promise<Response> {
  const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
  let location = post.headers.get('location')!;
  const size = Math.ceil(blob.length / chunks);
  for (let start = 0; start < blob.length; start += size) {
    const part = blob.subarray(start, start + size);
    const patch = await client.call('PATCH', location, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${start}-${start + part.length - 1}`,
      },
      body: part,
    });
    if (patch.status !== 202) return patch;
    location = patch.headers.get('location')!;
  }
  return client.call('PUT', `${location}?digest=${digestOf(blob)}`, {
    headers: { 'Content-Length': '0' },
  });
}

async function expectStoredOnce(blob: Buffer, repositories: readonly string[]): Promise<void> {
  const digest = digestOf(blob);
  const hex = digest.slice('sha256:'.length);
  const stored = files(join(storage, 'blobs')).filter((path) => path.endsWith(hex));
  expect(stored).toEqual([join('sha256', hex.slice(0, 2), hex)]);
  const onDisk = readFileSync(join(storage, 'blobs', stored[0]!));
  expect(`sha256:${createHash('sha256').update(onDisk).digest('hex')}`).toBe(digest);
  for (const repository of repositories) {
    const get = await client.call('GET', `/v2/${repository}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('docker-content-digest')).toBe(digest);
    const body = Buffer.from(await get.arrayBuffer());
    expect(body.length).toBe(blob.length);
    expect(digestOf(body)).toBe(digest);
  }
}

function expectNoLeftovers(): void {
  const leftovers = [
    ...files(join(storage, 'tmp')).map((path) => join('tmp', path)),
    ...files(join(storage, 'uploads')).map((path) => join('uploads', path)),
  ];
  expect(leftovers).toEqual([]);
}

describe('concurrent pushes of the same blob', () => {
  it('twelve parallel sessions (monolithic, whole-body PUT, chunked) into one repository all succeed', async () => {
    // 3 MiB: large enough that the writes overlap on disk, not one after the other.
    const blob = randomBytes(3 * 1024 * 1024 + 17);
    const pushes = [
      ...Array.from({ length: 4 }, () => monolithic('same/repo', blob)),
      ...Array.from({ length: 4 }, () => sessionPut('same/repo', blob)),
      ...Array.from({ length: 4 }, (_, i) => chunked('same/repo', blob, 2 + i)),
    ];
    const responses = await Promise.all(pushes);
    for (const response of responses) {
      expect(response.status).toBe(201);
      expect(response.headers.get('docker-content-digest')).toBe(digestOf(blob));
      expect(response.headers.get('location')).toBe(`/v2/same/repo/blobs/${digestOf(blob)}`);
    }
    await expectStoredOnce(blob, ['same/repo']);
    expectNoLeftovers();
  });

  it('parallel pushes of one blob into eight repositories link it to each, stored once', async () => {
    const blob = randomBytes(1024 * 1024 + 5);
    const repositories = Array.from({ length: 8 }, (_, i) => `fan/out-${i}`);
    const responses = await Promise.all(
      repositories.map((repository, i) =>
        i % 3 === 0
          ? monolithic(repository, blob)
          : i % 3 === 1
            ? sessionPut(repository, blob)
            : chunked(repository, blob, 3),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(repositories.map(() => 201));
    await expectStoredOnce(blob, repositories);
    expectNoLeftovers();
  });

  it('a wrong-digest push racing correct ones fails alone and leaves the stored blob intact', async () => {
    const blob = randomBytes(512 * 1024);
    const corrupt = Buffer.from(blob);
    corrupt[1000] = corrupt[1000]! ^ 0xff;
    const wrong = client.call('POST', `/v2/race/repo/blobs/uploads/?digest=${digestOf(blob)}`, {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: corrupt,
    });
    const [bad, ...good] = await Promise.all([
      wrong,
      monolithic('race/repo', blob),
      chunked('race/repo', blob, 4),
    ]);
    expect(bad.status).toBe(400);
    expect(good.map((response) => response.status)).toEqual([201, 201]);
    await expectStoredOnce(blob, ['race/repo']);
    expectNoLeftovers();
  });
});
