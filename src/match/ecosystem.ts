import type { OsInfo } from '../catalog/index.js';
import type { MatchPackage } from './match-input.js';

/** How one package is looked up: the advisory ecosystem, the name feeds use, the version to compare. */
export interface LookupKey {
  readonly ecosystem: string;
  readonly name: string;
  readonly version: string;
  /** True for distro feeds (source-package names, distro severity, fixed/unfixed states). */
  readonly distro: boolean;
  /**
   * The binary rpm's name when `name` is its source rpm: some records of those ecosystems name
   * binaries, so both are looked up.
   */
  readonly binaryName?: string;
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

/** Debian code names a pre-release image reports without a VERSION_ID (`trixie/sid`). */
const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
};

/** `Ubuntu:22.04:LTS` / `Ubuntu:24.10`: OSV requires the `:LTS` suffix on LTS releases. */
function ubuntuEcosystem(os: OsInfo): string | undefined {
  const release = /^(?<year>\d{2})\.(?<month>\d{2})/.exec(os.versionId ?? '')?.groups;
  if (!release) return undefined;
  const { year = '', month = '' } = release;
  // Every April release of an even year is LTS since 8.04 (6.06 was the June exception); the
  // os-release VERSION/PRETTY_NAME also says "LTS" on those.
  const lts =
    /\bLTS\b/.test(os.prettyName ?? '') ||
    (month === '04' && Number(year) % 2 === 0) ||
    `${year}.${month}` === '06.06';
  return `Ubuntu:${year}.${month}${lts ? ':LTS' : ''}`;
}

/**
 * SUSE and openSUSE ecosystems carry the marketing name, which OSV defines as os-release's
 * PRETTY_NAME without the vendor word: `SUSE:Linux Enterprise Server 15 SP5`,
 * `openSUSE:Leap 15.5`, `openSUSE:Tumbleweed`.
 */
function suseEcosystem(os: OsInfo): string | undefined {
  const pretty = os.prettyName?.trim();
  if (os.id.startsWith('opensuse')) {
    if (pretty && /^openSUSE /i.test(pretty))
      return `openSUSE:${pretty.replace(/^openSUSE /i, '')}`;
    if (os.id === 'opensuse-tumbleweed') return 'openSUSE:Tumbleweed';
    return os.versionId ? `openSUSE:Leap ${os.versionId}` : undefined;
  }
  if (pretty && /^SUSE /i.test(pretty)) return `SUSE:${pretty.replace(/^SUSE /i, '')}`;
  // No PRETTY_NAME: SLES 15.5 is marketed as "15 SP5".
  const version = /^(?<major>\d+)(?:\.(?<sp>\d+))?/.exec(os.versionId ?? '')?.groups;
  if (os.id !== 'sles' || !version) return undefined;
  const sp = version['sp'] && version['sp'] !== '0' ? ` SP${version['sp']}` : '';
  return `SUSE:Linux Enterprise Server ${version['major'] ?? ''}${sp}`;
}

/**
 * The OSV ecosystem of a distribution release, spelled as OSV's ecosystem list defines it
 * (https://ossf.github.io/osv-schema/#defined-ecosystems): `Debian:12`, `Ubuntu:22.04:LTS`,
 * `Ubuntu:24.10`, `Alpine:v3.19`, `Alpine:edge`, `Rocky Linux:9`, `AlmaLinux:9`,
 * `openSUSE:Leap 15.5`, `SUSE:Linux Enterprise Server 15 SP5`, `Photon OS:5.0`, `Wolfi`,
 * `Chainguard`. Undefined when the release cannot be told (then OS packages are not matched, and
 * the scan says so, rather than guessing). Red Hat's ecosystems are CPE product streams
 * (`Red Hat:enterprise_linux:9::baseos`), which os-release cannot tell, so RHEL is not mapped.
 */
export function distroEcosystem(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  const major = /^(?<major>\d+)/.exec(os.versionId ?? '')?.groups?.['major'];
  switch (os.id) {
    case 'debian': {
      const release = major ?? DEBIAN_CODENAMES[os.versionCodename ?? ''];
      return release ? `Debian:${release}` : undefined;
    }
    case 'ubuntu':
      return ubuntuEcosystem(os);
    case 'alpine': {
      // Edge reports the next release with a suffix (`3.21_alpha20240923`) and "edge" in its name.
      if (/_alpha|_beta|_rc/.test(os.versionId ?? '') || /\bedge\b/.test(os.prettyName ?? ''))
        return 'Alpine:edge';
      const release = majorMinor(os.versionId);
      return release ? `Alpine:v${release}` : undefined;
    }
    case 'wolfi':
      return 'Wolfi';
    case 'chainguard':
      return 'Chainguard';
    case 'almalinux':
      return major ? `AlmaLinux:${major}` : undefined;
    case 'rocky':
      return major ? `Rocky Linux:${major}` : undefined;
    case 'photon': {
      // Photon's VERSION_ID is `5.0`; OSV spells the release the same way.
      const release = majorMinor(os.versionId);
      return release ? `Photon OS:${release.includes('.') ? release : `${release}.0`}` : undefined;
    }
    default:
      return os.id.startsWith('opensuse') || os.id.startsWith('sle')
        ? suseEcosystem(os)
        : undefined;
  }
}

/** Ecosystems whose records name source rpms (OSV's list says so for these, not for Photon). */
function namesSourceRpm(ecosystem: string): boolean {
  return /^(?:AlmaLinux|Rocky Linux|SUSE|openSUSE)(?::|$)/.test(ecosystem);
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
    if (pkg.type === 'rpm') {
      const source = pkg.source?.name;
      const bySource = source !== undefined && source !== pkg.name && namesSourceRpm(ecosystem);
      return {
        ecosystem,
        name: bySource ? source : pkg.name,
        // A binary rpm carries its source rpm's epoch:version-release.
        version: withEpoch(pkg.version, pkg.epoch),
        distro: true,
        ...(bySource ? { binaryName: pkg.name } : {}),
      };
    }
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
