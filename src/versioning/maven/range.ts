import type { VersionPredicate } from '../define-api.js';
import { invalidConstraint } from '../errors.js';
import { compareMavenVersions } from './compare.js';
import { parseMavenVersion, type MavenVersion } from './parse.js';

interface Restriction {
  readonly lower: MavenVersion | undefined;
  readonly lowerInclusive: boolean;
  readonly upper: MavenVersion | undefined;
  readonly upperInclusive: boolean;
}

function contains(r: Restriction, v: MavenVersion): boolean {
  if (r.lower) {
    const order = compareMavenVersions(v, r.lower);
    if (order < 0 || (order === 0 && !r.lowerInclusive)) return false;
  }
  if (r.upper) {
    const order = compareMavenVersions(v, r.upper);
    if (order > 0 || (order === 0 && !r.upperInclusive)) return false;
  }
  return true;
}

/**
 * One `[a,b)` set, with the errors maven-artifact 3.8's VersionRange.parseRestriction raises: a
 * single version must be in `[]`; the upper bound may not be below the lower one, nor equal to it
 * unless both ends are inclusive (`[1.0,1.0]` is fine, `[1.0,1.0)` is not).
 */
function parseRestriction(scheme: string, constraint: string, text: string): Restriction {
  const lowerInclusive = text.startsWith('[');
  const upperInclusive = text.endsWith(']');
  const inner = text.slice(1, -1).trim();
  const bound = (t: string): MavenVersion => {
    const v = parseMavenVersion(t);
    if (!v) throw invalidConstraint(scheme, constraint, `${JSON.stringify(t)} is not a version`);
    return v;
  };
  const comma = inner.indexOf(',');
  if (comma === -1) {
    if (!lowerInclusive || !upperInclusive)
      throw invalidConstraint(scheme, constraint, 'a single version must be surrounded by []');
    const exact = bound(inner);
    return { lower: exact, lowerInclusive: true, upper: exact, upperInclusive: true };
  }
  const lowerText = inner.slice(0, comma).trim();
  const upperText = inner.slice(comma + 1).trim();
  const lower = lowerText === '' ? undefined : bound(lowerText);
  const upper = upperText === '' ? undefined : bound(upperText);
  if (lower && upper) {
    const order = compareMavenVersions(upper, lower);
    if (order < 0 || (order === 0 && (!lowerInclusive || !upperInclusive)))
      throw invalidConstraint(scheme, constraint, 'the range defies version ordering');
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

/**
 * A Maven version range (VersionRange.createFromVersionSpec): one or more sets like `[1.0,2.0)`,
 * `(,1.0]`, `[1.2]`, separated by commas, matching when any set contains the version.
 */
export function parseMavenRange(
  scheme: string,
  constraint: string,
): VersionPredicate<MavenVersion> {
  const restrictions: Restriction[] = [];
  let rest = constraint.trim();
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const close = rest.search(/[\])]/);
    if (close === -1) throw invalidConstraint(scheme, constraint, 'unbounded range');
    const restriction = parseRestriction(scheme, constraint, rest.slice(0, close + 1));
    // As Maven does, only a bounded previous set is checked for overlap.
    const previousUpper = restrictions[restrictions.length - 1]?.upper;
    if (
      previousUpper &&
      (!restriction.lower || compareMavenVersions(restriction.lower, previousUpper) < 0)
    ) {
      throw invalidConstraint(scheme, constraint, 'ranges overlap');
    }
    restrictions.push(restriction);
    rest = rest.slice(close + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest.length > 0 || restrictions.length === 0)
    throw invalidConstraint(scheme, constraint, 'only fully-qualified sets are allowed');
  return (v) => restrictions.some((r) => contains(r, v));
}
