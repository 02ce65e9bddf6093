import type { AffectedStatus, RangeEvent, Severity, VersionRange } from './model.js';

/**
 * OSV spells ecosystems with fixed case (`PyPI`, `crates.io`, `Debian:12`). Lookups accept any
 * case for the part before the first colon and map it to the OSV spelling, so a matcher that
 * says `pypi` or `debian:12` still finds the records.
 */
const ECOSYSTEM_SPELLING = new Map(
  [
    'AlmaLinux',
    'Alpine',
    'Android',
    'Bioconductor',
    'Bitnami',
    'Chainguard',
    'ConanCenter',
    'CRAN',
    'crates.io',
    'Debian',
    'GHC',
    'GitHub Actions',
    'Go',
    'Hackage',
    'Hex',
    'Linux',
    'Mageia',
    'Maven',
    'MinimOS',
    'npm',
    'NuGet',
    'openSUSE',
    'OSS-Fuzz',
    'Packagist',
    'Photon OS',
    'Pub',
    'PyPI',
    'Red Hat',
    'Rocky Linux',
    'RubyGems',
    'SUSE',
    'SwiftURL',
    'Ubuntu',
    'Wolfi',
  ].map((name) => [name.toLowerCase(), name]),
);

export function canonicalEcosystem(ecosystem: string): string {
  const trimmed = ecosystem.trim();
  const colon = trimmed.indexOf(':');
  const head = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const spelled = ECOSYSTEM_SPELLING.get(head.toLowerCase()) ?? head;
  return colon === -1 ? spelled : `${spelled}${trimmed.slice(colon)}`;
}

/**
 * The key a package name is stored and looked up under. Ecosystems whose registries treat names
 * case-insensitively (or, for PyPI, also treat `-`, `_`, `.` alike: PEP 503) are folded, so
 * `Django` finds `django` and GitHub's `Axios` finds `axios`. Everything else is exact.
 */
export function packageKey(ecosystem: string, name: string): string {
  const base = canonicalEcosystem(ecosystem).split(':')[0];
  const trimmed = name.trim();
  switch (base) {
    case 'PyPI':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'npm':
    case 'NuGet':
    case 'Packagist':
    case 'Pub':
    case 'Hex':
      return trimmed.toLowerCase();
    default:
      return trimmed;
  }
}

/** Years before this are placeholders (Go's `0001-01-01` for unreviewed records), not dates. */
const FIRST_REAL_YEAR = 1990;

/** A feed's timestamp as ISO 8601 UTC, or undefined when it is not a date at all. */
export function normalizeDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  // A bare date (Debian's DSA dates) is midnight UTC; anything else must carry its own zone.
  let withTime = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
    ? `${trimmed}T00:00:00Z`
    : trimmed.replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(withTime)) return undefined;
  // Without a zone JavaScript would read local time; feeds that omit it mean UTC.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(withTime)) withTime = `${withTime}Z`;
  const time = Date.parse(withTime);
  if (Number.isNaN(time)) return undefined;
  return new Date(time).toISOString();
}

/** The newest real date among a record's timestamps (placeholders ignored). */
export function newestDate(...dates: (string | undefined)[]): string | undefined {
  let newest: string | undefined;
  for (const date of dates) {
    if (date === undefined) continue;
    if (Number(date.slice(0, 4)) < FIRST_REAL_YEAR) continue;
    if (newest === undefined || date > newest) newest = date;
  }
  return newest;
}

/** The `introduced 0 / fixed X` range distro feeds reduce to (no `fixed` event when unfixed). */
export function distroRange(fixedVersion: string | undefined): VersionRange {
  const events: RangeEvent[] = [{ kind: 'introduced', version: '0' }];
  if (fixedVersion !== undefined) events.push({ kind: 'fixed', version: fixedVersion });
  return { type: 'ECOSYSTEM', events };
}

/** Fields of an affected entry for a distro package in one release. */
export function distroAffected(
  ecosystem: string,
  name: string,
  status: AffectedStatus,
  fixedVersion: string | undefined,
  extra: { severity?: readonly Severity[]; note?: string; purl?: string } = {},
): {
  ecosystem: string;
  name: string;
  status: AffectedStatus;
  ranges: VersionRange[];
  versions: string[];
  fixed: string[];
  severity: readonly Severity[];
  note?: string;
  purl?: string;
} {
  return {
    ecosystem,
    name,
    status,
    // Not affected means no version is vulnerable: no range at all, so nothing can match.
    ranges:
      status === 'not-affected' ? [] : [distroRange(status === 'fixed' ? fixedVersion : undefined)],
    versions: [],
    fixed: status === 'fixed' && fixedVersion !== undefined ? [fixedVersion] : [],
    severity: extra.severity ?? [],
    ...(extra.note === undefined ? {} : { note: extra.note }),
    ...(extra.purl === undefined ? {} : { purl: extra.purl }),
  };
}

/** CVE ids as MITRE defines them: year and at least four digits. */
export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
