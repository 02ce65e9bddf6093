// The one scheme, not the versioning registry: a warm run does not load the other schemes.
import { rubygems } from '../../versioning/rubygems/index.js';
import { baseName, defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { inSameFile } from '../dependencies.js';
import type { Package } from '../types.js';
import { parseGemfileLock } from './gemfile-lock.js';
import { parseGemspec } from './gemspec.js';
import { describeCause } from '../../errors/index.js';

export { parseGemspec } from './gemspec.js';
export { parseGemfileLock } from './gemfile-lock.js';

/** Installed gem specs live in `<GEM_HOME>/specifications/` (and `specifications/default/`). */
export function isInstalledGemspec(path: string): boolean {
  return (
    path.endsWith('.gemspec') &&
    (path.startsWith('specifications/') || path.includes('/specifications/'))
  );
}

/**
 * A project's Gemfile.lock (or gems.locked). One inside an installed gem's folder (`…/gems/<gem>/`)
 * is that gem's own development lockfile, not what this image installed.
 */
export function isGemfileLock(path: string): boolean {
  const name = baseName(path);
  return (
    (name === 'Gemfile.lock' || name === 'gems.locked') &&
    !path.startsWith('gems/') &&
    !path.includes('/gems/')
  );
}

/** The GEM_HOME an installed spec belongs to: the folder holding its `specifications/`. */
function gemHome(path: string): string | undefined {
  if (!isInstalledGemspec(path)) return undefined;
  const at = path.startsWith('specifications/') ? 0 : path.lastIndexOf('/specifications/');
  return path.slice(0, at);
}

/**
 * An installed gem's dependency: RubyGems activates it from the same GEM_HOME (its
 * `specifications/` and the default gems in `specifications/default/`), the highest version
 * installed there that meets the requirement's version constraint (`~> 1.2`). Where none meets
 * it, RubyGems would refuse to load the gem, and there is no edge.
 */
function gemDependency(dependent: Package, candidates: readonly Package[]): Package | undefined {
  const path = dependent.locations[0]?.path ?? '';
  const home = gemHome(path);
  // A Gemfile.lock's spec: its dependency is the spec of that name in the same lockfile.
  if (home === undefined) return inSameFile(dependent, candidates);
  const { compare, matches } = rubygems.api;
  const newer = (a: Package, b: Package): Package => {
    try {
      return compare(a.version, b.version) >= 0 ? a : b;
    } catch {
      return a.version >= b.version ? a : b;
    }
  };
  const name = candidates[0]?.name;
  const constraint = name === undefined ? undefined : dependent.requireConstraints?.[name];
  const meets = (candidate: Package): boolean => {
    if (constraint === undefined) return true;
    try {
      return matches(candidate.version, constraint);
    } catch {
      // A requirement this scheme cannot read: the newest, as before constraints were read.
      return true;
    }
  };
  return candidates
    .filter((candidate) => gemHome(candidate.locations[0]?.path ?? '') === home && meets(candidate))
    .reduce<Package | undefined>(
      (best, candidate) => (best ? newer(best, candidate) : candidate),
      undefined,
    );
}

/** Larger than any real gemspec or Gemfile.lock: not read. */
const MAX_BYTES = 16 * 1024 * 1024;

/** Ruby gems from installed specifications and Gemfile.lock. See README.md. */
export const rubyCataloger: Cataloger = defineCataloger({
  id: 'ruby',
  displayName: 'Ruby gems (installed gemspecs, Gemfile.lock)',
  urls: [
    'https://guides.rubygems.org/specification-reference/',
    'https://bundler.io/guides/gemfile_lock.html',
  ],
  packageTypes: ['gem'],
  version: 6,
  pickDependency: gemDependency,
  claims: (file) =>
    isInstalledGemspec(file.path) ||
    ((file.path.endsWith('.lock') || file.path.endsWith('.locked')) && isGemfileLock(file.path)),
  parse(file): ParseResult {
    if (file.content.length > MAX_BYTES)
      return { warnings: [`larger than ${MAX_BYTES} bytes, not read`] };
    const text = file.content.toString('utf8');
    try {
      return isInstalledGemspec(file.path) ? parseGemspec(text) : parseGemfileLock(text);
    } catch (error) {
      return { warnings: [`could not parse: ${describeCause(error).split('\n')[0]}`] };
    }
  },
});
