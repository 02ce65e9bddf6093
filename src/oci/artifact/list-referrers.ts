import { ImageError } from '../errors.js';
import { isDigest } from '../digest.js';
import { printable } from '../printable.js';
import { parseReference } from '../reference.js';
import type { Descriptor } from '../schemas.js';
import { RegistryClient } from '../sources/registry/client.js';
import type { RegistryOptions } from '../sources/registry/options.js';
import { fetchReferrers } from '../sources/registry/referrers.js';

/** A manifest that names another as its `subject`: its descriptor with `artifactType` and annotations. */
export type Referrer = Descriptor;

/**
 * The referrers of a manifest in a repository (distribution spec v1.1 "Listing Referrers"):
 * `reference` names the repository (a tag or digest in it is the subject when `digest` is not
 * given); `artifactType` keeps only that type. Registries without the referrers API are read
 * through the referrers tag schema (`sha256-<hex>`), as the spec's fallback says.
 */
export async function listReferrers(
  reference: string,
  digest?: string,
  artifactType?: string,
  options: RegistryOptions = {},
): Promise<Referrer[]> {
  const parsed = parseReference(reference);
  if (digest !== undefined && !isDigest(digest))
    throw new ImageError(
      'DIGEST_INVALID',
      `${reference}: "${printable(digest, 140)}" is not a valid digest to list referrers of`,
    );
  const client = new RegistryClient(parsed, options, reference);
  try {
    const subject =
      digest ?? parsed.digest ?? (await client.manifest(parsed.tag ?? 'latest')).digest;
    return (await fetchReferrers(client, subject, artifactType)).descriptors;
  } finally {
    await client.close();
  }
}
