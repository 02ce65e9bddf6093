import { compareNumbers } from '../define-api.js';
import type { Ordering } from '../types.js';
import type { RpmVersion } from './parse.js';
import { rpmvercmp } from './rpmvercmp.js';

/**
 * The total order: epoch, version, release with rpmvercmp; a missing release sorts before any
 * release. This is what rpm 4.18's `rpm.vercmp` / rpmverCmp gives for full EVR strings
 * (`1.0` < `1.0-1`), checked in rpm.reference.test.ts.
 */
export function compareRpmVersions(a: RpmVersion, b: RpmVersion): Ordering {
  return (
    compareNumbers(a.epoch, b.epoch) ||
    rpmvercmp(a.version, b.version) ||
    rpmvercmp(a.release ?? '', b.release ?? '')
  );
}

/**
 * Dependency-style comparison for constraints: when the bound has no release, only epoch and
 * version count, as rpm does for `Requires: foo >= 1.0` (so `1.0-5` satisfies `= 1.0`).
 */
export function compareToBound(version: RpmVersion, bound: RpmVersion): Ordering {
  if (bound.release !== undefined) return compareRpmVersions(version, bound);
  return compareNumbers(version.epoch, bound.epoch) || rpmvercmp(version.version, bound.version);
}
