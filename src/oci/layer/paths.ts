import { posix } from 'node:path';

/**
 * Normalizes a tar entry name to an image-relative path. Returns undefined for names that would
 * leave the root (`..` beyond the top) or are absolute: such entries are hostile, never used.
 */
export function normalizeEntryPath(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
}

/**
 * Resolves a symlink's target to an image-relative path, the way a chroot would: absolute targets
 * start at the image root. Returns undefined when a relative target climbs above the root.
 */
export function resolveLinkTarget(linkPath: string, target: string): string | undefined {
  const joined = target.startsWith('/')
    ? target.slice(1)
    : posix.join(posix.dirname(linkPath), target);
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return normalizeEntryPath(joined.replace(/^\/+/, ''));
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
