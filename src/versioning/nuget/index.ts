import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { compareNuGetVersions } from './compare.js';
import { parseNuGetVersion, type NuGetVersion } from './parse.js';
import { parseNuGetRange } from './range.js';

export const id = 'nuget';
export const displayName = 'NuGet';
export const urls = [
  'https://learn.microsoft.com/en-us/nuget/concepts/package-versioning',
  'https://github.com/NuGet/NuGet.Client/blob/dev/src/NuGet.Core/NuGet.Versioning/VersionComparer.cs',
] as const;

/**
 * NuGet versions (4-part, SemVer 2 labels compared case-insensitively, metadata ignored).
 * Constraints: NuGet ranges (`[1.0,2.0)`, bare `1.0` = at least 1.0) or, when an operator leads,
 * the GHSA comparator syntax (`>= 3.1.0, < 3.1.18`).
 */
export const api = defineVersioningApi<NuGetVersion>({
  id,
  parse: parseNuGetVersion,
  compare: compareNuGetVersions,
  parseConstraint: (constraint) =>
    /^\s*[<>=!]/.test(constraint)
      ? parseComparatorConstraint(constraint, {
          scheme: id,
          parse: parseNuGetVersion,
          compare: compareNuGetVersions,
        })
      : parseNuGetRange(id, constraint),
});

export const nuget: VersionScheme<NuGetVersion> = { id, displayName, urls, api };
export type { NuGetVersion };
