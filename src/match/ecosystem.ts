import type { OsInfo } from '../catalog/index.js';
import type { MatchPackage } from './match-input.js';

/** How one package is looked up: the advisory ecosystem, the name feeds use, the version to compare. */
export interface LookupKey {
  readonly ecosystem: string;
  readonly name: string;
  readonly version: string;
  /** True for distro feeds (source-package names, distro severity, fixed/unfixed states). */
  readonly distro: boolean;
}

const LANGUAGE_ECOSYSTEMS: Readonly<Record<string, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  cargo: 'crates.io',
  nuget: 'NuGet',
  composer: 'Packagist',
};

function majorMinor(version: string | undefined): string | undefined {
  const match = /^(?<major>\d+)(?:\.(?<minor>\d+))?/.exec(version ?? '');
  if (!match?.groups) return undefined;
  return match.groups['minor'] === undefined
    ? match.groups['major']
    : `${match.groups['major']}.${match.groups['minor']}`;
}

/**
 * The OSV ecosystem of a distribution release, as the feeds name it: `Debian:12`, `Ubuntu:22.04`,
 * `Alpine:v3.19`, `Red Hat:…`. Undefined when the release cannot be told (then OS packages are not
 * matched, and the scan says so, rather than guessing).
 */
export function distroEcosystem(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  switch (os.id) {
    case 'debian': {
      const major = /^(?<major>\d+)/.exec(os.versionId ?? '')?.groups?.['major'];
      return major ? `Debian:${major}` : undefined;
    }
    case 'ubuntu':
      return os.versionId ? `Ubuntu:${os.versionId}` : undefined;
    case 'alpine': {
      const release = majorMinor(os.versionId);
      return release ? `Alpine:v${release}` : undefined;
    }
    case 'wolfi':
      return 'Wolfi';
    case 'chainguard':
      return 'Chainguard';
    case 'almalinux':
      return majorMinor(os.versionId)
        ? `AlmaLinux:${(os.versionId ?? '').split('.')[0] ?? ''}`
        : undefined;
    case 'rocky':
      return os.versionId ? `Rocky Linux:${os.versionId.split('.')[0] ?? ''}` : undefined;
    case 'opensuse-leap':
      return os.versionId ? `openSUSE:Leap ${os.versionId}` : undefined;
    default:
      return undefined;
  }
}

/** The epoch-qualified version a distro scheme compares (`1:2.3-4`). */
function withEpoch(version: string, epoch: number | undefined): string {
  return epoch && !version.includes(':') ? `${epoch}:${version}` : version;
}

/** The lookup key for a package, or undefined when no advisory ecosystem applies. */
export function lookupKey(pkg: MatchPackage, os: OsInfo | undefined): LookupKey | undefined {
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') {
    const ecosystem = distroEcosystem(os);
    if (!ecosystem) return undefined;
    // Debian and Alpine feeds speak of source packages and source versions (a binNMU'd binary
    // `1.2-3+b1` comes from source `1.2-3`); Red Hat-family feeds list binary rpms with epoch.
    if (pkg.type === 'rpm')
      return {
        ecosystem,
        name: pkg.name,
        version: withEpoch(pkg.version, pkg.epoch),
        distro: true,
      };
    return {
      ecosystem,
      name: pkg.source?.name ?? pkg.name,
      version: pkg.source?.version ?? pkg.version,
      distro: true,
    };
  }
  const ecosystem = LANGUAGE_ECOSYSTEMS[pkg.type];
  if (!ecosystem) return undefined;
  // A crate from a git repository or another registry is not the crates.io crate of that name.
  if (pkg.type === 'cargo' && (pkg.qualifiers?.['repository_url'] || pkg.qualifiers?.['vcs_url']))
    return undefined;
  switch (pkg.type) {
    case 'maven':
      return {
        ecosystem,
        name: pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name,
        version: pkg.version,
        distro: false,
      };
    case 'npm':
    case 'golang':
    case 'composer':
      return {
        ecosystem,
        name: pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
        version: pkg.version,
        distro: false,
      };
    default:
      return { ecosystem, name: pkg.name, version: pkg.version, distro: false };
  }
}
