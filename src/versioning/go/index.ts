import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareGoVersions } from './compare.js';
import { parseGoVersion, type GoVersion } from './parse.js';

export const id = 'go';
export const displayName = 'Go modules';
export const urls = [
  'https://go.dev/ref/mod#versions',
  'https://go.dev/ref/mod#pseudo-versions',
  'https://pkg.go.dev/golang.org/x/mod/semver',
] as const;

/**
 * Go module versions: SemVer with a `v`, shorthand `v1.2`, pseudo-versions (ordinary prereleases,
 * so they sort below the release they precede) and `+incompatible` (build metadata, ignored).
 * Constraints use the GHSA comparator syntax (`>= 1.2.0, < 1.4.1`).
 */
export const api = defineVersioningApi<GoVersion>({
  id,
  parse: parseGoVersion,
  compare: compareGoVersions,
  parseConstraint: (constraint) =>
    parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseGoVersion,
      compare: compareGoVersions,
    }),
});

export const go: VersionScheme<GoVersion> = { id, displayName, urls, api };
export type { GoVersion };
