import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every blob of an OCI image layout (`blobs/<algorithm>/<hex>`) by digest, each checked against
 * its own name, so two layouts can be compared byte for byte.
 */
export function layoutBlobs(dir: string): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  const root = join(dir, 'blobs', 'sha256');
  for (const name of readdirSync(root)) {
    const data = readFileSync(join(root, name));
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== name) throw new Error(`blob ${name} in ${dir} hashes to ${actual}`);
    blobs.set(`sha256:${name}`, data);
  }
  return blobs;
}

/** The manifest digest the layout's index.json gives `tag` (org.opencontainers.image.ref.name). */
export function layoutManifestDigest(dir: string, tag: string): string | undefined {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests?: { digest?: string; annotations?: Record<string, string> }[];
  };
  return index.manifests?.find(
    (entry) => entry.annotations?.['org.opencontainers.image.ref.name'] === tag,
  )?.digest;
}
