/** The result of a comparison: a sorts before, equal to, or after b. */
export type Ordering = -1 | 0 | 1;

/**
 * One version scheme. Every scheme implements the same small interface so the matcher can hold
 * any of them: parse once, compare in a hot loop, match the constraint syntax its feeds use.
 */
export interface VersioningApi<V = unknown> {
  /** True when `version` is a version in this scheme. Never throws. */
  isValid: (version: string) => boolean;
  /** The parsed form, or undefined when `version` is not valid. Never throws. */
  parse: (version: string) => V | undefined;
  /**
   * A total order over valid versions (equal means "the scheme treats them as the same version",
   * e.g. `1.0` and `1.0.0` in Maven). Throws VersionError for an invalid version, never a silent 0.
   */
  compare: (a: string, b: string) => Ordering;
  /** True when `constraint` is a constraint this scheme understands. Never throws. */
  isValidConstraint: (constraint: string) => boolean;
  /**
   * Whether `version` satisfies `constraint`, in the scheme's native constraint syntax and the
   * GHSA comparator syntax (`>= 1.0, < 2.0`). Throws VersionError for a bad version or constraint.
   */
  matches: (version: string, constraint: string) => boolean;
}

/** A version scheme as registered: identity, the specs it follows, and its API. */
export interface VersionScheme<V = unknown> {
  /** Equals the folder name under src/versioning/. */
  readonly id: string;
  readonly displayName: string;
  /** Links to the specification or reference implementation this scheme follows. */
  readonly urls: readonly string[];
  readonly api: VersioningApi<V>;
}
