import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { parseComposerConstraint } from './constraint.js';
import { compareComposerVersions, parseComposerVersion, type ComposerVersion } from './parse.js';

export const id = 'composer';
export const displayName = 'Composer (PHP)';
export const urls = [
  'https://getcomposer.org/doc/articles/versions.md',
  'https://github.com/composer/semver/blob/main/src/VersionParser.php',
  'https://www.php.net/manual/en/function.version-compare.php',
] as const;

/** Packagist versions: Composer's normalization, PHP's version_compare, Composer constraints. */
export const api = defineVersioningApi<ComposerVersion>({
  id,
  parse: parseComposerVersion,
  compare: compareComposerVersions,
  parseConstraint: (constraint) => parseComposerConstraint(id, constraint),
});

export const composer: VersionScheme<ComposerVersion> = { id, displayName, urls, api };
export type { ComposerVersion };
