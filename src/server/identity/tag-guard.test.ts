// Immutable tags under concurrency, over real HTTP: many first pushes of different content to a
// new protected tag race; the check and the tag write are one store transaction, so exactly one
// wins and every other gets the DENIED refusal, and the tag points at the winner's manifest.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRegistryMetadata, type RegistryMetadata } from '../../store/index.js';
import { useTempDir } from '../../testing/index.js';
import type { CompiledTagRule } from './directory.js';
import { withImmutableTags } from './tag-guard.js';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  pushBlob,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);

beforeAll(async () => {
  env = await startIdentityServer();
  expect((await api(env.url, 'POST', 'projects', admin, { name: 'race' })).status).toBe(201);
  const rule = await api(env.url, 'POST', 'projects/race/immutable-tags', admin, {
    pattern: 'v*',
  });
  expect(rule.status).toBe(201);
});
afterAll(async () => {
  await env.close();
});

async function putManifest(
  tag: string,
  manifest: Buffer,
): Promise<{ status: number; body: string; digest: string | null }> {
  const response = await fetch(`${env.url}/v2/race/app/manifests/${tag}`, {
    method: 'PUT',
    headers: {
      authorization: admin,
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
    },
    body: manifest,
  });
  return {
    status: response.status,
    body: await response.text(),
    digest: response.headers.get('docker-content-digest'),
  };
}

describe('immutable tags under concurrent first pushes', () => {
  it('exactly one of several concurrent pushes of different content to a new protected tag wins', async () => {
    const contenders = 6;
    for (let round = 0; round < 5; round += 1) {
      const tag = `v${round}.0`;
      const images = Array.from({ length: contenders }, () => randomImage());
      for (const image of images)
        for (const blob of image.blobs)
          expect(await pushBlob(env.url, 'race/app', blob, admin)).toBe(201);
      const results = await Promise.all(images.map((image) => putManifest(tag, image.manifest)));
      const winners = results.filter((result) => result.status === 201);
      const losers = results.filter((result) => result.status !== 201);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(contenders - 1);
      for (const loser of losers) {
        expect(loser.status).toBe(403);
        expect(JSON.parse(loser.body)).toEqual({
          errors: [
            {
              code: 'DENIED',
              message: `tag ${tag} of repository race/app is immutable (rule "v*"): it cannot be overwritten`,
              detail: { repository: 'race/app', tag, rule: 'v*' },
            },
          ],
        });
      }
      const head = await fetch(`${env.url}/v2/race/app/manifests/${tag}`, {
        method: 'HEAD',
        headers: { authorization: admin },
      });
      expect(head.headers.get('docker-content-digest')).toBe(winners[0]?.digest);
      // A refused push stores nothing: the losers' manifests are not in the repository.
      for (const image of images.filter((candidate) => candidate.digest !== winners[0]?.digest)) {
        const byDigest = await fetch(`${env.url}/v2/race/app/manifests/${image.digest}`, {
          method: 'HEAD',
          headers: { authorization: admin },
        });
        expect(byDigest.status).toBe(404);
      }
    }
  });

  it('concurrent pushes of the same content to a new protected tag all succeed', async () => {
    const image = randomImage();
    for (const blob of image.blobs)
      expect(await pushBlob(env.url, 'race/app', blob, admin)).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => putManifest('v-same', image.manifest)),
    );
    expect(results.map((result) => result.status)).toEqual([201, 201, 201, 201]);
  });
});

// SQLite answers within one microtask, which hides a check-then-write race over HTTP. A store
// whose every call takes a few milliseconds (as a networked database's would) makes the window
// wide: a guard that resolved the tag before writing lets every contender through.
function slow(inner: RegistryMetadata): RegistryMetadata {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close' || property === 'externalChanges')
        return value;
      return async (...args: unknown[]) => {
        await sleep(5);
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

const dir = useTempDir('lockyard-tag-guard-');

describe('withImmutableTags over a slow store', () => {
  it('lets exactly one concurrent first push of a protected tag through', async () => {
    const store = openSqliteRegistryMetadata(join(dir, 'slow.db'));
    const rule: CompiledTagRule = { id: 1, pattern: 'v*', regex: /^v.*$/ };
    const guarded = withImmutableTags(slow(store), () => [rule]);
    const digests = ['1', '2', '3', '4', '5'].map((c) => `sha256:${c.repeat(64)}`);
    const settled = await Promise.allSettled(
      digests.map((digest) =>
        guarded.putManifest(
          {
            repository: 'race/app',
            digest,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            size: 2,
            content: Buffer.from('{}'),
            artifactType: undefined,
            subject: undefined,
            annotations: undefined,
            createdAt: Date.now(),
          },
          { blobs: [], manifests: [] },
          'v1',
        ),
      ),
    );
    const won = settled.filter((r) => r.status === 'fulfilled');
    const refused = settled.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(String(r.reason)).toMatch(/immutable .*overwritten/);
    const winner = digests[settled.findIndex((r) => r.status === 'fulfilled')];
    expect(await store.resolveTag('race/app', 'v1')).toBe(winner);
    store.close();
  });
});
