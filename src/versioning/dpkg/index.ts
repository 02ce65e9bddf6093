import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareDpkgVersions } from './compare.js';
import { parseDpkgVersion, type DpkgVersion } from './parse.js';

export const id = 'dpkg';
export const displayName = 'Debian (dpkg)';
export const urls = [
  'https://www.debian.org/doc/debian-policy/ch-controlfields.html#version',
  'https://manpages.debian.org/bookworm/dpkg-dev/deb-version.7.en.html',
] as const;

/**
 * Debian package versions. Constraints are comparator lists with Debian's relation operators
 * (`<<`, `<=`, `=`, `>=`, `>>`) and the common `<`, `>`, `!=` with their usual strict meaning
 * (dpkg's obsolete `<`/`>` meaning "or equal" is not honoured: feeds do not use it).
 */
export const api = defineVersioningApi<DpkgVersion>({
  id,
  parse: parseDpkgVersion,
  compare: compareDpkgVersions,
  parseConstraint: (constraint) =>
    parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseDpkgVersion,
      compare: compareDpkgVersions,
    }),
});

export const dpkg: VersionScheme<DpkgVersion> = { id, displayName, urls, api };
export type { DpkgVersion };
