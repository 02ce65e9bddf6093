import { apk } from './apk/index.js';
import { composer } from './composer/index.js';
import { dpkg } from './dpkg/index.js';
import { VersionError } from './errors.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { nuget } from './nuget/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import { rubygems } from './rubygems/index.js';
import { cargo, semver } from './semver/index.js';
import type { VersionScheme } from './types.js';

/**
 * The explicit registry of version schemes. A test checks that every folder under versioning/
 * that holds a scheme is listed here and that its id equals the folder name.
 */
export const versionSchemes: ReadonlyMap<string, VersionScheme> = new Map<string, VersionScheme>(
  [dpkg, rpm, apk, semver, pep440, maven, go, rubygems, nuget, composer].map((scheme) => [
    scheme.id,
    scheme as VersionScheme,
  ]),
);

/** The scheme with this id, or a VersionError that lists the known ones. */
export function getVersionScheme(id: string): VersionScheme {
  const scheme = versionSchemes.get(id);
  if (!scheme) {
    throw new VersionError(
      'UNKNOWN_SCHEME',
      `unknown version scheme ${JSON.stringify(id.slice(0, 40))}; known schemes: ${[...versionSchemes.keys()].join(', ')}`,
      {
        details: { scheme: id.slice(0, 40) },
      },
    );
  }
  return scheme;
}

/**
 * OSV ecosystem names (https://ossf.github.io/osv-schema/#defined-ecosystems) to the scheme that
 * orders their versions. Distribution ecosystems carry a release suffix (`Debian:12`,
 * `Alpine:v3.18`), so lookups use the part before the first colon.
 */
const ecosystemSchemes: Readonly<Record<string, VersionScheme>> = {
  Debian: dpkg,
  Ubuntu: dpkg,
  'Linux Mint': dpkg,
  Alpine: apk,
  Wolfi: apk,
  Chainguard: apk,
  Alpaquita: apk,
  'BellSoft Hardened Containers': apk,
  'Red Hat': rpm,
  AlmaLinux: rpm,
  'Rocky Linux': rpm,
  SUSE: rpm,
  openSUSE: rpm,
  Mageia: rpm,
  openEuler: rpm,
  'Azure Linux': rpm,
  'Photon OS': rpm,
  npm: semver,
  'crates.io': cargo,
  Hex: semver,
  Pub: semver,
  SwiftURL: semver,
  PyPI: pep440,
  Maven: maven,
  Go: go,
  RubyGems: rubygems,
  NuGet: nuget,
  Packagist: composer,
};

/** The scheme for an OSV ecosystem, or undefined when Lockyard has none for it. */
export function versionSchemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  const base = ecosystem.split(':', 1)[0] ?? ecosystem;
  return ecosystemSchemes[base];
}
