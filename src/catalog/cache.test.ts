import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openImage, writeOciLayout } from '../oci/index.js';
import { memoryKeyValueStore } from '../store/index.js';
import { useTempDir } from '../testing/index.js';
import { allCatalogers } from './api.js';
import { buildCatalog } from './build-catalog.js';
import { catalogCache, catalogersFingerprint } from './cache.js';
import type { Catalog } from './catalog.js';
import { CatalogError } from './errors.js';

const root = useTempDir();

const STATUS = `Package: hello
Status: install ok installed
Architecture: amd64
Version: 2.10-3
Source: hello-src (2.10-3)

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4
`;

/** A catalog with one package that lists files (hello) and one that lists none. */
async function realCatalog(): Promise<Catalog> {
  const dir = join(root, 'image');
  await writeOciLayout(dir, {
    layers: [
      {
        kind: 'entries',
        entries: [
          { name: 'var/lib/dpkg/status', content: STATUS },
          { name: 'var/lib/dpkg/info/hello.list', content: '/.\n/usr\n/usr/bin\n/usr/bin/hello\n' },
          { name: 'usr/bin/hello', content: 'x', mode: 0o755 },
        ],
      },
    ],
  });
  const image = await openImage(dir, { tmpDir: tmpdir() });
  try {
    return await buildCatalog(image, { catalogers: allCatalogers() });
  } finally {
    await image.close();
  }
}

describe('catalogCache', () => {
  const fingerprint = catalogersFingerprint(allCatalogers());

  it('gives back the catalog it was given, file lists included', async () => {
    const catalog = await realCatalog();
    const hello = catalog.packages.find((pkg) => pkg.name === 'hello');
    expect(hello?.files).toEqual(['/usr', '/usr/bin', '/usr/bin/hello']);
    expect(catalog.packages.find((pkg) => pkg.name === 'base-files')?.files).toBeUndefined();

    const cache = catalogCache(memoryKeyValueStore(), fingerprint);
    cache.putCatalog('sha256:image', catalog);
    const cached = cache.getCatalog('sha256:image');
    expect(JSON.parse(JSON.stringify(cached))).toEqual(JSON.parse(JSON.stringify(catalog)));
    expect(cached?.packages.map((pkg) => pkg.files)).toEqual(
      catalog.packages.map((pkg) => pkg.files),
    );
    expect({ ...cached?.packages.find((pkg) => pkg.name === 'hello') }.files).toHaveLength(3);
  });

  it('decodes the file lists only when one is read', async () => {
    const catalog = await realCatalog();
    const store = memoryKeyValueStore();
    const cache = catalogCache(store, fingerprint);
    cache.putCatalog('sha256:image', catalog);
    // Damage the stored file lists: a reader that never touches `files` does not notice.
    store.put('catalog-files', `sha256:image:${fingerprint}`, Buffer.from('not gzip'));
    const cached = cache.getCatalog('sha256:image');
    expect(cached?.packages.map((pkg) => pkg.purl)).toEqual(
      catalog.packages.map((pkg) => pkg.purl),
    );
    const read = (): unknown => cached?.packages.find((pkg) => pkg.name === 'hello')?.files;
    expect(read).toThrow(CatalogError);
    expect(read).toThrow(
      /cached file lists of sha256:image:\w+ are unreadable; run again with --no-cache/,
    );
  });

  it('is a miss when either half is missing', async () => {
    const catalog = await realCatalog();
    const store = memoryKeyValueStore();
    const cache = catalogCache(store, fingerprint);
    cache.putCatalog('sha256:image', catalog);
    store.delete('catalog-files', `sha256:image:${fingerprint}`);
    expect(cache.getCatalog('sha256:image')).toBeUndefined();
    cache.putCatalog('sha256:image', catalog);
    store.delete('catalog', `sha256:image:${fingerprint}`);
    expect(cache.getCatalog('sha256:image')).toBeUndefined();
    expect(catalogCache(store, 'other').getCatalog('sha256:image')).toBeUndefined();
  });
});
