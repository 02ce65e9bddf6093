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

/** Builds the public API over a scheme's pure functions, with a parse cache per scheme. */
export function defineVersioningApi<V>(definition: SchemeDefinition<V>): VersioningApi<V> {
  const versions = new ParseCache<V>();
  const constraints = new ParseCache<VersionPredicate<V>>(5_000);
  const { id } = definition;

  function parseOrThrow(version: string): V {
    const parsed = versions.get(version, definition.parse);
    if (parsed === undefined) throw invalidVersion(id, version);
    return parsed;
  }

  function constraintOrThrow(constraint: string): VersionPredicate<V> {
    const predicate = constraints.get(constraint, definition.parseConstraint);
    if (predicate === undefined) throw invalidConstraint(id, constraint);
    return predicate;
  }

  return {
    isValid: (version) => versions.get(version, definition.parse) !== undefined,
    parse: (version) => versions.get(version, definition.parse),
    compare: (a, b) => {
      const left = parseOrThrow(a);
      const right = parseOrThrow(b);
      return definition.compare(left, right);
    },
    isValidConstraint: (constraint) => {
      try {
        return constraints.get(constraint, definition.parseConstraint) !== undefined;
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
