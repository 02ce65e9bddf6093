import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openImage, writeOciLayout, type TarEntrySpec } from '../oci/index.js';
import { memoryKeyValueStore } from '../store/index.js';
import { readSharedFixture, useTempDir } from '../testing/index.js';
import { catalogCache, catalogersFingerprint } from './cache.js';
import { buildCatalog, type CatalogProgress } from './build-catalog.js';
import { allCatalogers } from './api.js';

const root = useTempDir();
const debian12 = await readSharedFixture(
  'pkgdb',
  'os-release',
  'claircore',
  'debian',
  '12',
  'etc',
  'os-release',
);
const ubuntu22 = await readSharedFixture(
  'pkgdb',
  'os-release',
  'claircore',
  'ubuntu',
  '22.04',
  'etc',
  'os-release',
);

const base: TarEntrySpec[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', content: debian12 },
  { name: 'usr/bin/', type: 'directory' },
  { name: 'usr/bin/tool', content: 'binary', mode: 0o755 },
];

async function catalog(
  dir: string,
  cache: ReturnType<typeof catalogCache>,
  events: CatalogProgress[] = [],
) {
  const image = await openImage(dir, { tmpDir: tmpdir() });
  try {
    return await buildCatalog(image, {
      catalogers: allCatalogers(),
      cache,
      onProgress: (e) => events.push(e),
    });
  } finally {
    await image.close();
  }
}

describe('buildCatalog with the layer cache', () => {
  it('analyses a shared base layer once, and a warm rescan reads no layer at all', async () => {
    const cache = catalogCache(memoryKeyValueStore(), catalogersFingerprint(allCatalogers()));
    const first = join(root, 'first');
    const second = join(root, 'second');
    await writeOciLayout(first, { layers: [{ kind: 'entries', entries: base }] });
    const written = await writeOciLayout(second, {
      layers: [
        { kind: 'entries', entries: base },
        {
          kind: 'entries',
          entries: [
            { name: 'app/', type: 'directory' },
            { name: 'app/main.js', content: 'x' },
          ],
        },
      ],
    });

    const firstEvents: CatalogProgress[] = [];
    expect((await catalog(first, cache, firstEvents)).os?.id).toBe('debian');
    expect(
      firstEvents
        .filter((e) => e.kind === 'layer-done')
        .map((e) => e.kind === 'layer-done' && e.cached),
    ).toEqual([false]);

    const secondEvents: CatalogProgress[] = [];
    await catalog(second, cache, secondEvents);
    const done = secondEvents.flatMap((e) =>
      e.kind === 'layer-done' ? [[e.index, e.cached]] : [],
    );
    expect(done.sort()).toEqual([
      [0, true],
      [1, false],
    ]);

    // Remove every layer blob: a warm rescan must still answer, because it opens none.
    for (const layer of written.layers)
      await rm(join(second, 'blobs', 'sha256', layer.digest.slice(7)));
    const warmEvents: CatalogProgress[] = [];
    const warm = await catalog(second, cache, warmEvents);
    expect(warm.os?.id).toBe('debian');
    expect(warmEvents).toEqual([]);
  });

  it('lets an upper layer replace or delete what a lower layer held', async () => {
    const cache = catalogCache(memoryKeyValueStore(), catalogersFingerprint(allCatalogers()));
    const replaced = join(root, 'replaced');
    await writeOciLayout(replaced, {
      layers: [
        { kind: 'entries', entries: base },
        { kind: 'entries', entries: [{ name: 'etc/os-release', content: ubuntu22 }] },
      ],
    });
    expect((await catalog(replaced, cache)).os?.id).toBe('ubuntu');

    const deleted = join(root, 'deleted');
    await writeOciLayout(deleted, {
      layers: [
        { kind: 'entries', entries: base },
        { kind: 'entries', entries: [{ name: 'etc/.wh.os-release', content: '' }] },
      ],
    });
    expect((await catalog(deleted, cache)).os).toBeUndefined();

    const opaque = join(root, 'opaque');
    await writeOciLayout(opaque, {
      layers: [
        { kind: 'entries', entries: base },
        {
          kind: 'entries',
          entries: [
            { name: 'etc/', type: 'directory' },
            { name: 'etc/.wh..wh..opq', content: '' },
          ],
        },
      ],
    });
    expect((await catalog(opaque, cache)).os).toBeUndefined();
  });
});
