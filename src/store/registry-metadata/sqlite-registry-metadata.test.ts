import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import type { ManifestRecord } from './registry-metadata.js';
import { openSqliteRegistryMetadata } from './sqlite-registry-metadata.js';

const dir = useTempDir('lockyard-regmeta-');
let counter = 0;
function open() {
  counter += 1;
  return openSqliteRegistryMetadata(join(dir, `r${counter}.db`));
}

const blobA = `sha256:${'a'.repeat(64)}`;
const blobB = `sha256:${'b'.repeat(64)}`;

function manifest(
  repository: string,
  digest: string,
  extra: Partial<ManifestRecord> = {},
): ManifestRecord {
  return {
    repository,
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 2,
    content: Buffer.from('{}'),
    artifactType: undefined,
    subject: undefined,
    annotations: undefined,
    createdAt: 1000,
    ...extra,
  };
}

describe('sqlite registry metadata', () => {
  it('refuses a manifest whose blobs are not linked in its repository, naming them', async () => {
    const meta = open();
    await meta.linkBlob('other/repo', blobA);
    const result = await meta.putManifest(
      manifest('app', `sha256:${'1'.repeat(64)}`),
      { blobs: [blobA, blobB], manifests: [] },
      'v1',
    );
    expect(result).toEqual({ ok: false, reason: 'missing', missing: [blobA, blobB] });
    expect(await meta.resolveTag('app', 'v1')).toBeUndefined();
    expect(await meta.repositoryExists('app')).toBe(false);
  });

  it('an immutable tag is created once, re-pushed with its digest, never moved (in the insert transaction)', async () => {
    const meta = open();
    const first = `sha256:${'1'.repeat(64)}`;
    const second = `sha256:${'2'.repeat(64)}`;
    const none = { blobs: [], manifests: [] };
    const guarded = { immutableTag: true };
    expect(await meta.putManifest(manifest('app', first), none, 'v1', guarded)).toEqual({
      ok: true,
    });
    expect(await meta.putManifest(manifest('app', first), none, 'v1', guarded)).toEqual({
      ok: true,
    });
    expect(await meta.putManifest(manifest('app', second), none, 'v1', guarded)).toEqual({
      ok: false,
      reason: 'tag-immutable',
      current: first,
    });
    expect(await meta.resolveTag('app', 'v1')).toBe(first);
    // Refused as a whole: the second manifest was not stored either.
    expect(await meta.getManifest('app', second)).toBeUndefined();
    // Without the option the same store moves tags as before.
    expect(await meta.putManifest(manifest('app', second), none, 'v1')).toEqual({ ok: true });
    expect(await meta.resolveTag('app', 'v1')).toBe(second);
  });

  it('sweeps only sessions still expired, and moves expiry when a session is touched', async () => {
    const meta = open();
    await meta.createUpload({ id: 'a', repository: 'app', createdAt: 0, expiresAt: 100 });
    await meta.createUpload({ id: 'b', repository: 'app', createdAt: 0, expiresAt: 300 });
    expect((await meta.expiredUploads(200)).map((s) => s.id)).toEqual(['a']);
    await meta.touchUpload('a', 1000);
    expect(await meta.deleteExpiredUpload('a', 200)).toBe(false);
    expect(await meta.deleteExpiredUpload('b', 400)).toBe(true);
    expect((await meta.listUploads()).map((s) => s.id)).toEqual(['a']);
  });

  it('stores a manifest with its tag once every reference exists, and deletes it with its tags', async () => {
    const meta = open();
    const digest = `sha256:${'1'.repeat(64)}`;
    await meta.linkBlob('app', blobA);
    expect(
      await meta.putManifest(manifest('app', digest), { blobs: [blobA], manifests: [] }, 'v1'),
    ).toEqual({ ok: true });
    await meta.putManifest(manifest('app', digest), { blobs: [blobA], manifests: [] }, 'latest');
    expect(await meta.resolveTag('app', 'v1')).toBe(digest);
    expect((await meta.getManifest('app', digest))?.content.toString()).toBe('{}');
    expect(await meta.getManifest('other', digest)).toBeUndefined();
    expect(await meta.deleteManifest('app', digest)).toBe(true);
    expect(await meta.listTags('app', undefined, undefined)).toEqual({ items: [], more: false });
    expect(await meta.deleteManifest('app', digest)).toBe(false);
  });

  it('pages tags and repositories in byte order after `last`', async () => {
    const meta = open();
    const digest = `sha256:${'1'.repeat(64)}`;
    for (const tag of ['v2', 'V1', 'v10', 'a', 'v1'])
      await meta.putManifest(manifest('app', digest), { blobs: [], manifests: [] }, tag);
    expect(await meta.listTags('app', undefined, undefined)).toEqual({
      items: ['V1', 'a', 'v1', 'v10', 'v2'],
      more: false,
    });
    expect(await meta.listTags('app', 2, undefined)).toEqual({ items: ['V1', 'a'], more: true });
    expect(await meta.listTags('app', 2, 'a')).toEqual({ items: ['v1', 'v10'], more: true });
    expect(await meta.listTags('app', 2, 'v10')).toEqual({ items: ['v2'], more: false });
    await meta.linkBlob('b/x', blobA);
    await meta.linkBlob('a/y', blobA);
    expect(await meta.listRepositories(2, undefined)).toEqual({
      items: ['a/y', 'app'],
      more: true,
    });
    expect(await meta.listRepositories(2, 'app')).toEqual({ items: ['b/x'], more: false });
  });

  it('lists referrers of a subject, even one that was never pushed', async () => {
    const meta = open();
    const subject = `sha256:${'9'.repeat(64)}`;
    const sig = `sha256:${'2'.repeat(64)}`;
    await meta.putManifest(
      manifest('app', sig, {
        subject,
        artifactType: 'application/vnd.example.sig',
        annotations: { a: 'b' },
      }),
      { blobs: [], manifests: [] },
      undefined,
    );
    expect(await meta.referrers('app', subject)).toEqual([
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sig,
        size: 2,
        artifactType: 'application/vnd.example.sig',
        annotations: { a: 'b' },
      },
    ]);
    expect(await meta.referrers('other', subject)).toEqual([]);
  });

  it('sweeps only manifests that are still unreachable and blobs nothing references', async () => {
    const meta = open();
    const index = `sha256:${'3'.repeat(64)}`;
    const child = `sha256:${'4'.repeat(64)}`;
    const orphan = `sha256:${'5'.repeat(64)}`;
    await meta.linkBlob('app', blobA);
    await meta.putManifest(manifest('app', child), { blobs: [blobA], manifests: [] }, undefined);
    await meta.putManifest(manifest('app', index), { blobs: [], manifests: [child] }, 'v1');
    await meta.putManifest(manifest('app', orphan), { blobs: [], manifests: [] }, undefined);
    expect(await meta.unreachableManifests(2000)).toEqual([{ repository: 'app', digest: orphan }]);
    expect(await meta.unreachableManifests(500)).toEqual([]);
    expect(await meta.sweepManifest('app', child, 2000)).toBe(false);
    expect(await meta.sweepManifest('app', orphan, 2000)).toBe(true);
    expect(await meta.referencedBlobs()).toEqual(new Set([blobA]));
    expect(await meta.sweepBlobLinks(blobA, Date.now() + 1000)).toBe(false);
    await meta.deleteTag('app', 'v1');
    expect(await meta.sweepManifest('app', index, 2000)).toBe(true);
    expect(await meta.sweepManifest('app', child, 2000)).toBe(true);
    expect(await meta.sweepBlobLinks(blobA, 0)).toBe(false);
    expect(await meta.sweepBlobLinks(blobA, Date.now() + 1000)).toBe(true);
    expect(await meta.hasBlob('app', blobA)).toBe(false);
  });

  it('reports commits made by another connection (for cache invalidation)', async () => {
    counter += 1;
    const path = join(dir, `shared${counter}.db`);
    const server = openSqliteRegistryMetadata(path);
    const gc = openSqliteRegistryMetadata(path);
    const before = server.externalChanges();
    await server.linkBlob('app', blobA);
    expect(server.externalChanges()).toBe(before);
    await gc.unlinkBlob('app', blobA);
    expect(server.externalChanges()).not.toBe(before);
    expect(await server.hasBlob('app', blobA)).toBe(false);
  });
});
