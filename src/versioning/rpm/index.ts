import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareRpmVersions, compareToBound } from './compare.js';
import { parseRpmVersion, type RpmVersion } from './parse.js';

export const id = 'rpm';
export const displayName = 'RPM (rpmvercmp)';
export const urls = [
  'https://rpm-software-management.github.io/rpm/manual/dependencies.html',
  'https://github.com/rpm-software-management/rpm/blob/rpm-4.18.x/rpmio/rpmvercmp.c',
] as const;

/**
 * RPM EVR versions (Red Hat, Fedora, SUSE, Amazon Linux, ...). Constraints are comparator lists
 * (`>= 1.0-1, < 2.0`); a bound without a release ignores the candidate's release, as rpm does.
 */
export const api = defineVersioningApi<RpmVersion>({
  id,
  parse: parseRpmVersion,
  compare: compareRpmVersions,
  parseConstraint: (constraint) =>
    parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseRpmVersion,
      compare: compareToBound,
    }),
});

export const rpm: VersionScheme<RpmVersion> = { id, displayName, urls, api };
export type { RpmVersion };
export { rpmvercmp } from './rpmvercmp.js';
