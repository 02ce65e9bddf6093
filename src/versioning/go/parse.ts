/** A Go module version (golang.org/x/mod/semver), numbers kept as digit strings (no overflow). */
export interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Dot-separated prerelease identifiers; empty for a release. */
  readonly prerelease: readonly string[];
  /** Build metadata without the `+` (`incompatible` for `+incompatible`); ignored by compare. */
  readonly build: string;
  /** A pseudo-version (`v0.0.0-20200101000000-abcdef123456` and its two other forms). */
  readonly pseudo: boolean;
  /** `v1.2.3-pre+build` form, with the `v` Go requires (OSV writes Go versions without it). */
  readonly canonical: string;
}

const NUMBER = '0|[1-9]\\d*';
const IDENT = '[0-9A-Za-z-]+';
const VERSION = new RegExp(
  `^v?(?<major>${NUMBER})(?:\\.(?<minor>${NUMBER})(?:\\.(?<patch>${NUMBER})(?:-(?<pre>${IDENT}(?:\\.${IDENT})*))?(?:\\+(?<build>${IDENT}(?:\\.${IDENT})*))?)?)?$`,
);
/** x/mod/module's pseudoVersionRE: vX.0.0-yyyymmddhhmmss-abcdef, vX.Y.Z-pre.0.yyyy..., vX.Y.(Z+1)-0.yyyy... */
const PSEUDO =
  /^v\d+\.(?:0\.0-|\d+\.\d+-(?:[^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Parses like x/mod/semver's parse: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`; the shorthands `v1`
 * and `v1.2` (no prerelease or build) mean `v1.0.0` and `v1.2.0`. Numbers have no leading zeros,
 * and neither do numeric prerelease identifiers. The `v` is optional here because OSV's Go
 * records and most feeds drop it.
 */
export function parseGoVersion(text: string): GoVersion | undefined {
  const groups = VERSION.exec(text)?.groups;
  if (!groups) return undefined;
  const pre = groups['pre'];
  const prerelease = pre === undefined ? [] : pre.split('.');
  if (prerelease.some((id) => /^\d+$/.test(id) && id.length > 1 && id.startsWith('0')))
    return undefined;
  const major = groups['major'] ?? '0';
  const minor = groups['minor'] ?? '0';
  const patch = groups['patch'] ?? '0';
  const build = groups['build'] ?? '';
  const canonical = `v${major}.${minor}.${patch}${pre === undefined ? '' : `-${pre}`}${build ? `+${build}` : ''}`;
  const pseudo =
    prerelease.length > 0 && (canonical.match(/-/g)?.length ?? 0) >= 2 && PSEUDO.test(canonical);
  return { major, minor, patch, prerelease, build, pseudo, canonical };
}
