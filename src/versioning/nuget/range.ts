import type { VersionPredicate } from '../define-api.js';
import { invalidConstraint } from '../errors.js';
import { compareNuGetVersions } from './compare.js';
import { parseNuGetVersion, type NuGetVersion } from './parse.js';

/**
 * A NuGet version range (VersionRange.Parse): `[1.0,2.0)`, `(,1.0]`, `[1.0]`, `(1.0,)`, and a
 * bare `1.0` meaning "1.0 or higher". At least one bound; the lower may not exceed the upper.
 */
export function parseNuGetRange(
  scheme: string,
  constraint: string,
): VersionPredicate<NuGetVersion> {
  const value = constraint.trim();
  const fail = (reason: string): never => {
    throw invalidConstraint(scheme, constraint, reason);
  };
  const version = (text: string): NuGetVersion =>
    parseNuGetVersion(text) ?? fail(`${JSON.stringify(text)} is not a NuGet version`);
  const first = value[0];
  if (first !== '[' && first !== '(') {
    const minimum = version(value);
    return (v) => compareNuGetVersions(v, minimum) >= 0;
  }
  const last = value[value.length - 1];
  if (value.length < 3 || (last !== ']' && last !== ')')) return fail('a range ends with ] or )');
  const minInclusive = first === '[';
  const maxInclusive = last === ']';
  const parts = value
    .slice(1, -1)
    .split(',')
    .map((p) => p.trim());
  if (parts.length > 2) return fail('a range has at most two bounds');
  if (parts.length === 1) {
    if (!minInclusive || !maxInclusive) return fail('a single version must be surrounded by []');
    const exact = version(parts[0] ?? '');
    return (v) => compareNuGetVersions(v, exact) === 0;
  }
  const [minText = '', maxText = ''] = parts;
  if (minText === '' && maxText === '') return fail('a range needs at least one bound');
  const min = minText === '' ? undefined : version(minText);
  const max = maxText === '' ? undefined : version(maxText);
  if (min && max) {
    const order = compareNuGetVersions(min, max);
    if (order > 0 || (order === 0 && (!minInclusive || !maxInclusive)))
      fail('the lower bound is above the upper bound');
  }
  return (v) => {
    if (min) {
      const order = compareNuGetVersions(v, min);
      if (order < 0 || (order === 0 && !minInclusive)) return false;
    }
    if (max) {
      const order = compareNuGetVersions(v, max);
      if (order > 0 || (order === 0 && !maxInclusive)) return false;
    }
    return true;
  };
}
