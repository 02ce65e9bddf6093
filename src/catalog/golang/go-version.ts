/**
 * Go's version strings: module versions (golang.org/x/mod/semver, `v` + semver 2.0 with the
 * shorthands `v1` and `v1.2`) and toolchain versions (`go1.22.0`, `go1.20`, `go1.21rc2`).
 */

const NUMBER = '(?:0|[1-9][0-9]*)';
const IDENT = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const SEMVER = new RegExp(
  `^v(?<major>${NUMBER})(?:\\.(?<minor>${NUMBER})(?:\\.(?<patch>${NUMBER})(?<pre>-${IDENT}(?:\\.${IDENT})*)?(?<build>\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?$`,
);

/**
 * golang.org/x/mod/semver.Canonical: `v1` -> `v1.0.0`, `v1.2` -> `v1.2.0`, build metadata
 * dropped except `+incompatible`. Undefined for anything that is not a Go semantic version.
 */
export function canonicalSemver(version: string): string | undefined {
  const groups = SEMVER.exec(version)?.groups;
  if (!groups) return undefined;
  const { major, minor, patch, pre, build } = groups;
  // Shorthand forms may not carry a prerelease or build suffix; the regex already ensures it.
  const core = `v${major}.${minor ?? '0'}.${patch ?? '0'}${pre ?? ''}`;
  return build === '+incompatible' ? `${core}${build}` : core;
}

/** True for a full `vMAJOR.MINOR.PATCH[-pre][+build]` version, as pkg:golang purls require. */
export function isFullSemver(version: string): boolean {
  const groups = SEMVER.exec(version)?.groups;
  return groups?.['patch'] !== undefined;
}

const TOOLCHAIN =
  /^go(?<major>[1-9][0-9]*)(?:\.(?<minor>[0-9]+))?(?:\.(?<patch>[0-9]+))?(?:(?<kind>rc|beta)(?<n>[0-9]+))?$/;

/**
 * The standard library's version from the toolchain string, in the semver form the Go
 * vulnerability database uses (golang.org/x/vuln's tag conversion): `go1.22.0` -> `v1.22.0`,
 * `go1.20` -> `v1.20.0`, `go1.21rc2` -> `v1.21.0-rc.2`. A GOEXPERIMENT suffix
 * (`go1.22.3 X:boringcrypto`) is ignored; development toolchains (`devel go1.23-abc`) have no
 * release version and give undefined.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const release = goVersion.split(' ')[0] ?? '';
  const groups = TOOLCHAIN.exec(release)?.groups;
  if (!groups) return undefined;
  const { major, minor, patch, kind, n } = groups;
  const core = `v${major}.${Number(minor ?? '0')}.${Number(patch ?? '0')}`;
  return kind ? `${core}-${kind}.${n}` : core;
}
