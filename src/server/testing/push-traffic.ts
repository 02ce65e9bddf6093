import { randomBytes } from 'node:crypto';
import { digestOf } from './test-registry.js';

/** Pushes one random image (layers then manifest) the way clients do: monolithic or chunked. */
export async function pushRandomImage(
  base: string,
  repository: string,
  tag: string,
  layerSizes: readonly number[],
  chunked: boolean,
): Promise<string> {
  const layers: { digest: string; size: number }[] = [];
  for (const size of layerSizes) {
    const data = randomBytes(size);
    const digest = digestOf(data);
    if (chunked) {
      const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
      let location = new URL(start.headers.get('location') ?? '', base).toString();
      const step = Math.ceil(size / 3);
      for (let offset = 0; offset < size; offset += step) {
        const chunk = data.subarray(offset, offset + step);
        const patch = await fetch(location, {
          method: 'PATCH',
          headers: { 'Content-Range': `${offset}-${offset + chunk.length - 1}` },
          body: chunk,
        });
        if (patch.status !== 202) throw new Error(`PATCH ${patch.status}`);
        location = new URL(patch.headers.get('location') ?? '', base).toString();
      }
      const put = await fetch(`${location}?digest=${digest}`, { method: 'PUT' });
      if (put.status !== 201) throw new Error(`PUT ${put.status}`);
    } else {
      const post = await fetch(`${base}/v2/${repository}/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        body: data,
      });
      if (post.status !== 201) throw new Error(`POST ${post.status}`);
    }
    layers.push({ digest, size });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.digest) },
    }),
  );
  const configPost = await fetch(
    `${base}/v2/${repository}/blobs/uploads/?digest=${digestOf(config)}`,
    { method: 'POST', body: config },
  );
  if (configPost.status !== 201) throw new Error(`config POST ${configPost.status}`);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: digestOf(config),
        size: config.length,
      },
      layers: layers.map((layer) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        ...layer,
      })),
    }),
  );
  const put = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest PUT ${put.status}`);
  return digestOf(manifest);
}
