import { ImageError } from '../errors.js';
import { parseReference } from '../reference.js';

/** Normalized `registry/repository:tag` of a name, or undefined when it is not a reference. */
function normalized(name: string): string | undefined {
  try {
    const reference = parseReference(name);
    return `${reference.registry}/${reference.repository}:${reference.tag ?? ''}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether an archive's name for an image (a RepoTags entry, an `org.opencontainers.image.ref.name`
 * or `io.containerd.image.name` annotation) is what the user asked for: the same string, the same
 * reference once Docker Hub shorthands are expanded (`alpine:3` = `docker.io/library/alpine:3`),
 * or the same tag when only a tag was given (`3.10` finds `alpine:3.10`).
 */
export function nameMatches(stored: string, wanted: string): boolean {
  if (stored === wanted) return true;
  const a = normalized(stored);
  if (a !== undefined && a === normalized(wanted)) return true;
  return !wanted.includes(':') && !wanted.includes('/') && stored.endsWith(`:${wanted}`);
}

/**
 * Picks the one image among an archive's images that a name (or `@N`, skopeo's index form)
 * selects; several images and no name is an error listing what there is.
 */
export function pickImage<T>(
  images: readonly T[],
  namesOf: (image: T) => readonly string[],
  wanted: string | undefined,
  what: string,
): T {
  const known = images.flatMap(namesOf);
  const listing = known.length > 0 ? known.join(', ') : 'none';
  if (wanted === undefined) {
    const [only] = images;
    if (images.length === 1 && only !== undefined) return only;
    if (images.length === 0)
      throw new ImageError('MANIFEST_UNKNOWN', `${what}: the archive holds no image`);
    throw new ImageError(
      'MANIFEST_UNKNOWN',
      `${what}: the archive holds ${images.length} images; name one as ${what}:NAME (names: ${listing})`,
    );
  }
  const index = /^@(?<n>\d+)$/.exec(wanted)?.groups?.['n'];
  if (index !== undefined) {
    const chosen = images[Number(index)];
    if (chosen === undefined)
      throw new ImageError(
        'MANIFEST_UNKNOWN',
        `${what}: no image @${index} (the archive holds ${images.length})`,
      );
    return chosen;
  }
  const matches = images.filter((image) =>
    namesOf(image).some((name) => nameMatches(name, wanted)),
  );
  const [first] = matches;
  if (matches.length === 1 && first !== undefined) return first;
  if (matches.length === 0)
    throw new ImageError(
      'MANIFEST_UNKNOWN',
      `${what}: no image named "${wanted}" (names: ${listing})`,
    );
  throw new ImageError(
    'MANIFEST_UNKNOWN',
    `${what}: "${wanted}" names ${matches.length} images; use the full name (names: ${listing})`,
  );
}
