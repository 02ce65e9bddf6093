import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareGemVersions } from './compare.js';
import { bumpOf, parseGemVersion, releaseOf, type GemVersion } from './parse.js';

export const id = 'rubygems';
export const displayName = 'RubyGems (Gem::Version)';
export const urls = [
  'https://guides.rubygems.org/patterns/#semantic-versioning',
  'https://docs.ruby-lang.org/en/3.1/Gem/Version.html',
  'https://docs.ruby-lang.org/en/3.1/Gem/Requirement.html',
] as const;

/**
 * Gem versions and requirements (`~> 1.2`, `>= 1.2.3, < 2`, `!= 1.5`): Gem::Requirement's
 * operators, joined by commas; `~> V` is `>= V` and below V#bump (Gem::Requirement::OPS).
 */
export const api = defineVersioningApi<GemVersion>({
  id,
  parse: parseGemVersion,
  compare: compareGemVersions,
  parseConstraint: (constraint) =>
    parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseGemVersion,
      compare: compareGemVersions,
      extraOperators: {
        '~>': (v, r) =>
          compareGemVersions(v, r) >= 0 && compareGemVersions(releaseOf(v), bumpOf(r)) < 0,
      },
    }),
});

export const rubygems: VersionScheme<GemVersion> = { id, displayName, urls, api };
export type { GemVersion };
