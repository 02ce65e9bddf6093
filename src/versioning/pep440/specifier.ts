import type { VersionPredicate } from '../define-api.js';
import { invalidConstraint } from '../errors.js';
import { comparePep440Versions } from './compare.js';
import {
  isPrerelease,
  parsePep440Version,
  publicVersion,
  stripZeros,
  type Pep440Version,
} from './parse.js';

const SPECIFIER = /^(?<op>~=|===|==|!=|<=|>=|<|>)\s*(?<version>\S+)$/;
const PREFIX = /^v?(?:(?<epoch>\d+)!)?(?<release>\d+(?:\.\d+)*)\.\*$/i;

function sameBase(a: Pep440Version, b: Pep440Version): boolean {
  const base = (v: Pep440Version): Pep440Version => ({
    ...v,
    pre: undefined,
    post: undefined,
    dev: undefined,
    local: undefined,
  });
  return comparePep440Versions(base(a), base(b)) === 0;
}

/**
 * `==X.Y.*`: the candidate's public version, padded with zeros to the prefix's length, starts
 * with the prefix (packaging's _compare_equal); the epoch must match too.
 */
function prefixMatcher(epoch: string, release: readonly string[]): VersionPredicate<Pep440Version> {
  return (v) => {
    if (v.epoch !== epoch) return false;
    return release.every((part, i) => (v.release[i] ?? '0') === part);
  };
}

function parseSpecifier(
  scheme: string,
  constraint: string,
  text: string,
): VersionPredicate<Pep440Version> {
  const match = SPECIFIER.exec(text);
  const op = match?.groups?.['op'];
  const versionText = match?.groups?.['version'];
  if (!op || versionText === undefined)
    throw invalidConstraint(scheme, constraint, `cannot read ${JSON.stringify(text)}`);
  if (op === '===') return (v) => v.normalized.toLowerCase() === versionText.toLowerCase();

  const prefix = PREFIX.exec(versionText)?.groups;
  if (prefix && (op === '==' || op === '!=')) {
    const matcher = prefixMatcher(
      stripZeros(prefix['epoch'] ?? '0'),
      (prefix['release'] ?? '').split('.').map(stripZeros),
    );
    return op === '==' ? matcher : (v) => !matcher(v);
  }
  const spec = parsePep440Version(versionText);
  if (!spec)
    throw invalidConstraint(
      scheme,
      constraint,
      `${JSON.stringify(versionText)} is not a PEP 440 version`,
    );
  if (spec.local && op !== '==' && op !== '!=')
    throw invalidConstraint(scheme, constraint, `${op} does not allow a local version`);
  const cmp = (v: Pep440Version): number => comparePep440Versions(v, spec);
  switch (op) {
    case '==':
    case '!=': {
      // Without a local label in the specifier, the candidate's local label is ignored.
      const equal = spec.local
        ? (v: Pep440Version) => cmp(v) === 0
        : (v: Pep440Version) => comparePep440Versions(publicVersion(v), spec) === 0;
      return op === '==' ? equal : (v) => !equal(v);
    }
    case '~=': {
      if (spec.release.length < 2)
        throw invalidConstraint(scheme, constraint, '~= needs at least two release segments');
      const prefixMatch = prefixMatcher(spec.epoch, spec.release.slice(0, -1));
      return (v) => cmp(v) >= 0 && prefixMatch(v);
    }
    case '<=':
      return (v) => comparePep440Versions(publicVersion(v), spec) <= 0;
    case '>=':
      return (v) => comparePep440Versions(publicVersion(v), spec) >= 0;
    // `<V` excludes pre-releases of V itself, and `>V` its post-releases and local builds, unless V is one.
    case '<':
      return (v) => cmp(v) < 0 && !(!isPrerelease(spec) && isPrerelease(v) && sameBase(v, spec));
    case '>':
      return (v) =>
        cmp(v) > 0 &&
        !(spec.post === undefined && v.post !== undefined && sameBase(v, spec)) &&
        !(v.local !== undefined && sameBase(v, spec));
    default:
      throw invalidConstraint(scheme, constraint, `unknown operator ${op}`);
  }
}

/**
 * A PEP 440 specifier set (`>=1.0, !=1.3.*, <2.0`; also GHSA's `>= 1.0, < 2.0`), evaluated like
 * packaging's `SpecifierSet.contains(v, prereleases=True)`: advisories mean a pre-release inside
 * the bounds is affected, so pre-releases are not filtered out as pip's resolver would.
 */
export function parsePep440Constraint(
  scheme: string,
  constraint: string,
): VersionPredicate<Pep440Version> {
  const parts = constraint
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const predicates = parts.map((p) => parseSpecifier(scheme, constraint, p));
  return (v) => predicates.every((p) => p(v));
}
