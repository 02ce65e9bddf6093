import { baseName, defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
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
  version: 3,
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
