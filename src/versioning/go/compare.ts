import type { Ordering } from '../types.js';
import type { GoVersion } from './parse.js';

/** Digit strings without leading zeros: longer is larger, else lexical. */
export function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const NUMERIC = /^\d+$/;

/** SemVer §11 identifier precedence: numbers by value, below alphanumerics, which compare in ASCII order. */
function compareIdentifiers(a: string, b: string): Ordering {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A release is above its prereleases; more identifiers win when the shared ones are equal. */
export function comparePrerelease(a: readonly string[], b: readonly string[]): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const order = compareIdentifiers(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** x/mod/semver's Compare: build metadata (incl. `+incompatible`) is ignored. */
export function compareGoVersions(a: GoVersion, b: GoVersion): Ordering {
  return (
    compareDigits(a.major, b.major) ||
    compareDigits(a.minor, b.minor) ||
    compareDigits(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}
