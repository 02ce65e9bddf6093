import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareApkTokens } from './compare.js';
import { tokenize, type ApkTokens } from './tokens.js';

export const id = 'apk';
export const displayName = 'Alpine (apk)';
export const urls = [
  'https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver',
  'https://gitlab.alpinelinux.org/alpine/apk-tools/-/blob/master/src/version.c',
] as const;

function parseApkVersion(text: string): ApkTokens | undefined {
  // apk_version_validate accepts the empty string; an empty version is missing data here.
  return text.length === 0 ? undefined : tokenize(text);
}

/**
 * Alpine, Wolfi and Chainguard package versions. Constraints are comparator lists plus apk's
 * fuzzy `~` (`~1.2` matches 1.2, 1.2.3, 1.2_rc1: a token-prefix match, as in world/dependencies).
 */
export const api = defineVersioningApi<ApkTokens>({
  id,
  parse: parseApkVersion,
  compare: (a, b) => compareApkTokens(a, b),
  parseConstraint: (constraint) =>
    parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseApkVersion,
      compare: (a, b) => compareApkTokens(a, b),
      extraOperators: {
        '~': (v, bound) => compareApkTokens(v, bound, true) === 0,
        '=~': (v, bound) => compareApkTokens(v, bound, true) === 0,
      },
    }),
});

export const apk: VersionScheme<ApkTokens> = { id, displayName, urls, api };
export type { ApkTokens };
