import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './paths.js';

/** What a tar member's name makes it: a file-system entry, a deletion marker, or something to refuse. */
export type EntryName =
  | { readonly kind: 'entry'; readonly path: string }
  | { readonly kind: 'whiteout'; readonly path: string }
  | { readonly kind: 'opaque'; readonly path: string }
  | { readonly kind: 'skip' }
  | { readonly kind: 'unsafe'; readonly reason: string };

/** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): not content, and Docker skips it too. */
const AUFS_META_PREFIX = '.wh..wh.';

/**
 * Classifies a member name. Absolute names and any `..` segment are refused: no image builder
 * writes them, and a name that means different paths to different tools is how scanners are
 * fooled. `./` prefixes and repeated slashes are harmless and normalized away.
 */
export function classifyEntryName(name: string): EntryName {
  const plain = plainPath(name);
  if (plain !== undefined) return { kind: 'entry', path: plain };
  if (name.startsWith('/')) return { kind: 'unsafe', reason: 'absolute entry path' };
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { kind: 'unsafe', reason: 'entry path contains ".."' };
    segments.push(segment);
  }
  if (segments.length === 0) return { kind: 'skip' };
  if (segments[0]?.startsWith(AUFS_META_PREFIX) && segments[0] !== OPAQUE_WHITEOUT)
    return { kind: 'skip' };
  const base = segments[segments.length - 1] ?? '';
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'entry', path: segments.join('/') };
  const dir = segments.slice(0, -1).join('/');
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', path: dir };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'skip' };
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '') return { kind: 'skip' };
  if (target === '.' || target === '..')
    return { kind: 'unsafe', reason: 'whiteout of "." or ".."' };
  return { kind: 'whiteout', path: dir ? `${dir}/${target}` : target };
}

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * The fast path, for the names nearly every member has (`usr/bin/env`, `usr/lib/`): when no
 * segment is empty or starts with a dot (so no `.`, `..` or whiteout), the name is already its
 * path, less a directory's trailing slash. Anything else (`./x`, `a//b`, `.wh.x`, `.bashrc`)
 * returns undefined and takes the full classification. One scan, no allocation but the slice.
 */
function plainPath(name: string): string | undefined {
  const last = name.length - 1;
  if (last < 0 || name.charCodeAt(0) === SLASH || name.charCodeAt(0) === DOT) return undefined;
  for (let index = 1; index < last; index += 1) {
    if (name.charCodeAt(index) !== SLASH) continue;
    const next = name.charCodeAt(index + 1);
    if (next === SLASH || next === DOT) return undefined;
  }
  return name.charCodeAt(last) === SLASH ? name.slice(0, last) : name;
}
