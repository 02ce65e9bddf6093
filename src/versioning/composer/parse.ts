import type { Ordering } from '../types.js';
import { normalizeComposerVersion } from './normalize.js';
import { phpVersionCompare, splitVersion } from './php-version-compare.js';

export interface ComposerVersion {
  /** VersionParser::normalize output (`1.2.0.0-beta2`, `dev-main`). */
  readonly normalized: string;
  /** A `dev-` branch that is not a default branch: Composer gives it no order. */
  readonly branch: boolean;
  /** version_compare parts of the normalized form (default branches as `9999999-dev`). */
  readonly parts: readonly string[];
}

const DEFAULT_BRANCHES = new Set(['dev-master', 'dev-trunk', 'dev-default']);

export function parseComposerVersion(text: string): ComposerVersion | undefined {
  const normalized = normalizeComposerVersion(text);
  return normalized === undefined ? undefined : fromNormalized(normalized);
}

/**
 * A version from a string Composer already treats as normalized. Constraint bounds are such
 * strings: VersionParser appends `-dev` to them without normalizing again (`5.0.0.0-dev-dev`).
 */
export function fromNormalized(normalized: string): ComposerVersion {
  // VersionParser::normalizeDefaultBranch, as Semver::sort applies it.
  const comparable = DEFAULT_BRANCHES.has(normalized) ? '9999999-dev' : normalized;
  const branch = comparable.startsWith('dev-');
  return { normalized, branch, parts: branch ? [] : splitVersion(comparable) };
}

/**
 * The total order: version_compare on normalized versions. Composer refuses to order feature
 * branches (`dev-foo` matches only itself); here they sort below every numbered version, by name,
 * so that sorting is total and deterministic.
 */
export function compareComposerVersions(a: ComposerVersion, b: ComposerVersion): Ordering {
  if (a.branch || b.branch) {
    if (a.branch && b.branch)
      return a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0;
    return a.branch ? -1 : 1;
  }
  return phpVersionCompare(a.parts, b.parts);
}
