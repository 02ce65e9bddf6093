import type { ImageSummary } from './catalog.js';
import { purlLibrary } from './purl-library.js';

/**
 * The image's purl (purl-spec `oci` type): the last segment of its repository (from its first
 * tag, else its name) at its manifest digest (else its config digest), built with the official
 * library. Undefined when the image has no digest (a root file-system directory).
 */
export function imagePurl(
  image: Pick<ImageSummary, 'name' | 'repoTags' | 'manifestDigest' | 'configDigest'>,
): string | undefined {
  const digest = image.manifestDigest ?? image.configDigest;
  if (!digest) return undefined;
  const repository = image.repoTags[0]?.replace(/:[^:/]+$/, '') ?? image.name;
  const { PackageURL } = purlLibrary();
  return new PackageURL(
    'oci',
    undefined,
    repository.split('/').pop() ?? repository,
    digest,
    undefined,
    undefined,
  ).toString();
}
