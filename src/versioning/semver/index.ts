import { Range, SemVer, compare as semverCompare, parse as semverParse } from 'semver';
import { parseComparatorConstraint } from '../comparator-constraint.js';
import { defineVersioningApi, type VersionPredicate } from '../define-api.js';
import { invalidConstraint } from '../errors.js';
import type { Ordering, VersionScheme } from '../types.js';

export const id = 'semver';
export const displayName = 'Semantic Versioning 2.0 (npm, Cargo)';
export const urls = [
  'https://semver.org/spec/v2.0.0.html',
  'https://github.com/npm/node-semver#ranges',
  'https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html',
] as const;

function parseVersion(text: string): SemVer | undefined {
  return semverParse(text) ?? undefined;
}

/** SemVer precedence (§11): build metadata is ignored, so `1.0.0+a` equals `1.0.0+b`. */
function compareVersions(a: SemVer, b: SemVer): Ordering {
  return semverCompare(a, b);
}

/**
 * A bound in the GHSA comparator syntax: a full version, or a partial one (`0`, `2.1`) padded
 * with zeros, as GitHub writes `>= 0` for "every version".
 */
function parseBound(text: string): SemVer | undefined {
  const full = parseVersion(text);
  if (full) return full;
  const partial = /^v?(?<major>0|[1-9]\d*)(?:\.(?<minor>0|[1-9]\d*))?$/.exec(text);
  if (!partial?.groups) return undefined;
  return parseVersion(`${partial.groups['major']}.${partial.groups['minor'] ?? '0'}.0`);
}

/**
 * A comma means the GHSA syntax (`>= 1.0.0, < 2.0.0`): plain SemVer precedence, so prereleases
 * inside the bounds match (right for advisories). Anything else is an npm range with npm's own
 * rules (https://github.com/npm/node-semver#prerelease-tags: a prerelease matches only a
 * comparator on the same major.minor.patch), evaluated by npm's own `semver` package.
 */
function parseNpmConstraint(constraint: string): VersionPredicate<SemVer> | undefined {
  if (constraint.includes(','))
    return parseComparatorConstraint(constraint, {
      scheme: id,
      parse: parseBound,
      compare: compareVersions,
    });
  if (constraint.trim() === '') throw invalidConstraint(id, constraint, 'empty');
  try {
    const range = new Range(constraint);
    return (version) => range.test(version);
  } catch (error) {
    throw invalidConstraint(id, constraint, error instanceof Error ? error.message : undefined);
  }
}

/**
 * Cargo's requirement syntax, translated to an npm range with the same meaning: comparators are
 * joined by commas, and a bare version means caret (`1.2.3` = `^1.2.3`). The two agree on `^`,
 * `~`, `*`/`x` wildcards, partial versions and the prerelease rule (a prerelease matches only a
 * comparator with the same major.minor.patch and a prerelease).
 */
function parseCargoConstraint(constraint: string): VersionPredicate<SemVer> | undefined {
  const parts = constraint.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw invalidConstraint(id, constraint, 'empty comparator');
  const npmParts = parts.map((p) =>
    /^[v\d]/.test(p) ? `^${p}` : p.replace(/^(?<op>[<>=~^]+)\s+/, '$<op>'),
  );
  if (npmParts.some((p) => /\s|\|\|/.test(p)))
    throw invalidConstraint(id, constraint, 'Cargo comparators are separated by commas');
  try {
    const range = new Range(npmParts.join(' '));
    return (version) => range.test(version);
  } catch (error) {
    throw invalidConstraint(id, constraint, error instanceof Error ? error.message : undefined);
  }
}

/** npm's versions and ranges (the `semver` package npm itself uses). */
export const api = defineVersioningApi<SemVer>({
  id,
  parse: parseVersion,
  compare: compareVersions,
  parseConstraint: parseNpmConstraint,
});

/** The same order with Cargo's requirement syntax, for the crates.io ecosystem. */
export const cargoApi = defineVersioningApi<SemVer>({
  id,
  parse: parseVersion,
  compare: compareVersions,
  parseConstraint: parseCargoConstraint,
});

export const semver: VersionScheme<SemVer> = { id, displayName, urls, api };
export const cargo: VersionScheme<SemVer> = {
  id,
  displayName: 'Cargo (Semantic Versioning 2.0)',
  urls,
  api: cargoApi,
};
