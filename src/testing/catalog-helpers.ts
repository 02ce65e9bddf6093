import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCatalogers, buildCatalog, type Catalog, type Cataloger } from '../catalog/index.js';
import { openImage, writeOciLayout, type TarEntrySpec } from '../oci/index.js';

/**
 * Builds a real one-layer OCI image from files (path -> bytes), catalogs it end to end, and
 * removes it. The path through the layer reader, squash and finalize is the production one.
 */
export async function catalogFiles(
  files: Readonly<Record<string, string | Uint8Array>> | readonly TarEntrySpec[],
  catalogers: readonly Cataloger[] = allCatalogers(),
): Promise<Catalog> {
  const entries: TarEntrySpec[] = Array.isArray(files)
    ? [...(files as readonly TarEntrySpec[])]
    : Object.entries(files as Record<string, string | Uint8Array>).map(([name, content]) => ({
        name,
        content,
      }));
  const dir = await mkdtemp(join(tmpdir(), 'lockyard-image-'));
  try {
    await writeOciLayout(dir, { layers: [{ kind: 'entries', entries }] });
    return await catalogImageDir(dir, catalogers);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Catalogs an image on disk (any source kind) without a cache. */
export async function catalogImageDir(
  input: string,
  catalogers: readonly Cataloger[] = allCatalogers(),
): Promise<Catalog> {
  const image = await openImage(input, { tmpDir: tmpdir() });
  try {
    return await buildCatalog(image, { catalogers });
  } finally {
    await image.close();
  }
}
