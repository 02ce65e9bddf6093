import { invalidConstraint, invalidVersion } from './errors.js';
import { ParseCache } from './parse-cache.js';
import type { Ordering, VersioningApi } from './types.js';

/** A parsed constraint: a predicate over parsed versions. */
export type VersionPredicate<V> = (version: V) => boolean;

/** What a scheme writes; `defineVersioningApi` adds caching, typed errors and the public shape. */
export interface SchemeDefinition<V> {
  readonly id: string;
  /** Pure parse: undefined for anything that is not a version of this scheme. */
  readonly parse: (version: string) => V | undefined;
  readonly compare: (a: V, b: V) => Ordering;
  /**
   * Parses a constraint into a predicate. Returns undefined (or throws a VersionError with the
   * reason) when the constraint is malformed.
   */
  readonly parseConstraint: (constraint: string) => VersionPredicate<V> | undefined;
}

/**
 * No real version is longer than a few dozen characters; capping length keeps hostile input
 * (a megabyte "version" in a package database) out of the regexes and the caches.
 */
const MAX_VERSION_LENGTH = 256;
const MAX_CONSTRAINT_LENGTH = 4096;

/** Builds the public API over a scheme's pure functions, with a parse cache per scheme. */
export function defineVersioningApi<V>(definition: SchemeDefinition<V>): VersioningApi<V> {
  const versions = new ParseCache<V>();
  const constraints = new ParseCache<VersionPredicate<V>>(5_000);
  const { id } = definition;
  const parseVersion = (version: string): V | undefined =>
    version.length > MAX_VERSION_LENGTH ? undefined : definition.parse(version);
  const parseConstraint = (constraint: string): VersionPredicate<V> | undefined =>
    constraint.length > MAX_CONSTRAINT_LENGTH ? undefined : definition.parseConstraint(constraint);

  function parseOrThrow(version: string): V {
    const parsed =
      version.length > MAX_VERSION_LENGTH ? undefined : versions.get(version, parseVersion);
    if (parsed === undefined) throw invalidVersion(id, version);
    return parsed;
  }

  function constraintOrThrow(constraint: string): VersionPredicate<V> {
    const predicate =
      constraint.length > MAX_CONSTRAINT_LENGTH
        ? undefined
        : constraints.get(constraint, parseConstraint);
    if (predicate === undefined) throw invalidConstraint(id, constraint);
    return predicate;
  }

  return {
    isValid: (version) =>
      version.length <= MAX_VERSION_LENGTH && versions.get(version, parseVersion) !== undefined,
    parse: (version) =>
      version.length > MAX_VERSION_LENGTH ? undefined : versions.get(version, parseVersion),
    compare: (a, b) => {
      const left = parseOrThrow(a);
      const right = parseOrThrow(b);
      return definition.compare(left, right);
    },
    isValidConstraint: (constraint) => {
      try {
        return (
          constraint.length <= MAX_CONSTRAINT_LENGTH &&
          constraints.get(constraint, parseConstraint) !== undefined
        );
      } catch {
        return false;
      }
    },
    matches: (version, constraint) => {
      const parsed = parseOrThrow(version);
      return constraintOrThrow(constraint)(parsed);
    },
  };
}

/** Three-way comparison of two numbers or bigints as an Ordering. */
export function compareNumbers(a: number | bigint, b: number | bigint): Ordering {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Plain code-unit string order (what C's strcmp gives on ASCII), as an Ordering. */
export function compareStrings(a: string, b: string): Ordering {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
