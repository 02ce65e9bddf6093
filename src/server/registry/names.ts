import { isDigest, isValidRepositoryName, isValidTag } from '../../oci/index.js';
import { RegistryError } from './errors.js';

// The spec: "<name> MUST match [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
// and clients keep host + name within 255 characters. The grammar admits no "." or ".." path
// component, so a valid name is never a traversal.
export function checkRepositoryName(name: string): string {
  if (!isValidRepositoryName(name)) {
    throw new RegistryError('NAME_INVALID', `invalid repository name "${printable(name)}"`, {
      detail: { name: printable(name) },
    });
  }
  return name;
}

export function checkDigest(value: string, what = 'digest'): string {
  if (!isDigest(value)) {
    throw new RegistryError('DIGEST_INVALID', `invalid ${what} "${printable(value)}"`, {
      detail: { digest: printable(value) },
    });
  }
  return value;
}

export type ManifestReference =
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'digest'; readonly digest: string };

/**
 * A manifest reference is a digest (it contains ":") or a tag `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
 * The spec's table has no tag code (TAG_INVALID is Distribution's): a tag no manifest can carry
 * is MANIFEST_INVALID (400) when pushed, and MANIFEST_UNKNOWN (404) when read or deleted, because
 * no such manifest can exist.
 */
export function parseManifestReference(
  value: string,
  purpose: 'read' | 'write' = 'read',
): ManifestReference {
  if (value.includes(':')) return { kind: 'digest', digest: checkDigest(value) };
  if (!isValidTag(value)) {
    const tag = printable(value);
    throw purpose === 'write'
      ? new RegistryError(
          'MANIFEST_INVALID',
          `invalid tag "${tag}": a tag must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`,
          {
            detail: { tag },
          },
        )
      : new RegistryError('MANIFEST_UNKNOWN', `invalid tag "${tag}": no manifest can have it`, {
          detail: { reference: tag },
        });
  }
  return { kind: 'tag', tag: value };
}

/** Untrusted text made safe to echo in a one-line message: bounded, control characters escaped. */
export function printable(value: string): string {
  const short = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  let out = '';
  for (const char of short) {
    const code = char.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return out;
}
