import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareMavenVersions } from './compare.js';
import { parseMavenVersion, type MavenVersion } from './parse.js';
import { parseMavenRange } from './range.js';

export const id = 'maven';
export const displayName = 'Maven (ComparableVersion)';
export const urls = [
  'https://maven.apache.org/pom.html#version-order-specification',
  'https://maven.apache.org/enforcer/enforcer-rules/versionRanges.html',
  'https://github.com/apache/maven/blob/maven-3.8.7/maven-artifact/src/main/java/org/apache/maven/artifact/versioning/ComparableVersion.java',
] as const;

/**
 * Maven versions. Constraints are Maven ranges (`[1.0,2.0)`, `(,1.0],[1.2,)`) or the GHSA
 * comparator syntax (`>= 2.13.0, < 2.13.2.1`); a bare version means exactly that version.
 */
export const api = defineVersioningApi<MavenVersion>({
  id,
  parse: parseMavenVersion,
  compare: compareMavenVersions,
  parseConstraint: (constraint) =>
    /^\s*[[(]/.test(constraint)
      ? parseMavenRange(id, constraint)
      : parseComparatorConstraint(constraint, {
          scheme: id,
          parse: parseMavenVersion,
          compare: compareMavenVersions,
        }),
});

export const maven: VersionScheme<MavenVersion> = { id, displayName, urls, api };
export type { MavenVersion };
