import type { Image } from '../../image.js';
import type { PlatformSpec } from '../../platform.js';
import { formatReference, parseReference } from '../../reference.js';
import { blobLayers, resolveImage } from '../../resolve.js';
import { RegistryClient } from './client.js';
import { registryFetcher } from './fetcher.js';
import type { RegistryOptions } from './options.js';

export type { RegistryOptions } from './options.js';

/**
 * Opens an image in a registry: fetch the manifest or index the reference names, follow an index
 * to the wanted platform, fetch and verify the config; layers are downloaded when read.
 */
export async function openRegistryImage(
  input: string,
  options: { name: string; platform: PlatformSpec; registry: RegistryOptions },
): Promise<Image> {
  const reference = parseReference(input);
  const client = new RegistryClient(reference, options.registry, options.name);
  try {
    const top = await client.manifest(reference.digest ?? reference.tag ?? 'latest');
    const fetcher = registryFetcher(client, top, options.name, options.registry);
    const resolved = await resolveImage(
      fetcher,
      { digest: top.digest, mediaType: top.mediaType, size: top.bytes.length },
      options.platform,
      options.name,
    );
    return {
      kind: 'registry',
      name: options.name,
      manifestDigest: resolved.manifestDigest,
      configDigest: resolved.configDigest,
      manifest: resolved.manifest,
      config: resolved.config,
      layers: blobLayers(fetcher, resolved),
      repoTags: reference.tag ? [formatReference({ ...reference, digest: undefined })] : [],
      platform: resolved.platform,
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
