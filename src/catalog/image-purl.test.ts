import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { openImage, writeOciLayout } from '../oci/index.js';
import { memoryKeyValueStore } from '../store/index.js';
import { useTempDir } from '../testing/index.js';
import { allCatalogers } from './api.js';
import { buildCatalog } from './build-catalog.js';
import { catalogCache, catalogersFingerprint } from './cache.js';
import { imagePurl } from './image-purl.js';

const root = useTempDir();

describe('image purl', () => {
  it('is the oci purl of the repository at the manifest digest, as packageurl-js writes it', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const image = {
      name: 'x',
      repoTags: ['registry.example:5000/team/App:1.0'],
      manifestDigest: digest,
      configDigest: undefined,
    };
    expect(imagePurl(image)).toBe(
      new PackageURL('oci', undefined, 'app', digest, undefined, undefined).toString(),
    );
    expect(imagePurl({ ...image, repoTags: [], name: 'images/my image' })).toBe(
      `pkg:oci/my%20image@${digest}`,
    );
    expect(imagePurl({ ...image, manifestDigest: undefined })).toBeUndefined();
  });

  it('comes from the cache for the same image name, and is made again for another', async () => {
    const first = join(root, 'first');
    await writeOciLayout(first, {
      layers: [{ kind: 'entries', entries: [{ name: 'etc/hostname', content: 'x\n' }] }],
    });
    const second = join(root, 'second');
    await cp(first, second, { recursive: true });
    const cache = catalogCache(memoryKeyValueStore(), catalogersFingerprint(allCatalogers()));
    const catalogOf = async (dir: string) => {
      const image = await openImage(dir, { tmpDir: tmpdir() });
      try {
        return await buildCatalog(image, { catalogers: allCatalogers(), cache });
      } finally {
        await image.close();
      }
    };
    const cold = await catalogOf(first);
    expect(cold.image.purl).toMatch(/^pkg:oci\/first@sha256:[0-9a-f]{64}$/u);
    expect((await catalogOf(first)).image.purl).toBe(cold.image.purl);
    const renamed = await catalogOf(second);
    expect(renamed.image.purl).toBe(cold.image.purl?.replace('/first@', '/second@'));
  });
});
