import type { OsInfo } from '../catalog/index.js';
import { describeCause } from '../errors/index.js';
import { isAffectedByOsv, versionSchemeForEcosystem } from '../versioning/index.js';
import type { AffectedRecord, StoredAdvisory, VulnDb } from '../vulndb/index.js';
import { toOsvAffected } from './convert.js';
import { lookupKey, type LookupKey } from './ecosystem.js';
import type { Finding, FindingPackage, FindingStatus } from './finding.js';
import type { MatchPackage } from './match-input.js';
import { cvssScores, decideSeverity } from './severity.js';

export interface MatchOptions {
  /**
   * Match language packages whose files an OS package installed (Debian's python3-* modules, a Go
   * binary from a .deb) against language advisories too. Off by default: the distro's own feed
   * covers them, with its backported fixes, and matching both double-reports.
   */
  readonly includeOsOwned?: boolean;
}

export interface MatchResult {
  readonly findings: Finding[];
  /** Why some packages were not matched (unknown release, unreadable versions), counted. */
  readonly notes: string[];
}

/** What matching one (ecosystem, name, version) produced, before it is tied to a package. */
interface Hit {
  readonly record: AffectedRecord;
  readonly status: FindingStatus;
  /** The finding without its package, computed once per distinct package version. */
  core?: Omit<Finding, 'package'>;
}

const DISTRO_LABEL_SOURCES = new Set(['debian', 'ubuntu', 'alpine', 'redhat', 'suse', 'distro']);

function primaryId(advisory: StoredAdvisory): { id: string; aliases: string[] } {
  const ids = [advisory.id, ...advisory.aliases];
  const cves = ids.filter((id) => id.startsWith('CVE-'));
  const id = cves.length === 1 && cves[0] ? cves[0] : advisory.id;
  return { id, aliases: [...new Set(ids.filter((other) => other !== id))].sort() };
}

function statusOf(record: AffectedRecord): FindingStatus {
  if (record.fixed.length > 0) return 'fixed';
  switch (record.status) {
    case 'will-not-fix':
    case 'end-of-life':
      return record.status;
    default:
      return 'affected';
  }
}

/**
 * Every (ecosystem, name) one key is looked up under, most specific first. A package installed
 * from Ubuntu Pro (its version carries `+esm`) is also looked up in `Ubuntu:Pro:<release>`, where
 * OSV files the fixes that only ship there; a source rpm key also under its binary name.
 */
function lookups(key: LookupKey): [string, string][] {
  const out: [string, string][] = [];
  const ubuntu = /^Ubuntu:(?<release>\d.*)$/.exec(key.ecosystem)?.groups?.['release'];
  if (ubuntu && /\+esm\d*/.test(key.version)) out.push([`Ubuntu:Pro:${ubuntu}`, key.name]);
  out.push([key.ecosystem, key.name]);
  if (key.binaryName && key.binaryName !== key.name) out.push([key.ecosystem, key.binaryName]);
  return out;
}

/**
 * Matches packages against the vulnerability database by ecosystem and exact package name (never
 * by guessed CPE). Results per (ecosystem, name, version) are memoized, so re-matching thousands of
 * stored SBOMs that share packages costs one comparison run per distinct package version.
 */
export function createMatcher(db: VulnDb, options: MatchOptions = {}) {
  const memo = new Map<string, Hit[]>();
  const enrichment = new Map<string, StoredAdvisory[]>();
  const problems = new Map<string, number>();

  function hitsFor(key: LookupKey): Hit[] {
    const memoKey = `${key.ecosystem}\0${key.name}\0${key.version}\0${key.binaryName ?? ''}`;
    const known = memo.get(memoKey);
    if (known) return known;
    const scheme = versionSchemeForEcosystem(key.ecosystem);
    const hits: Hit[] = [];
    const seen = new Set<string>();
    for (const [ecosystem, name] of lookups(key)) {
      for (const record of db.lookup(ecosystem, name)) {
        if (record.advisory.withdrawn || record.status === 'not-affected') continue;
        // The same advisory under the Pro release, or under source and binary name, counts once
        // (the first lookup is the more specific one).
        if (seen.has(record.advisory.id)) continue;
        let affected: boolean;
        try {
          affected =
            record.ranges.length === 0 && record.versions.length === 0
              ? record.status !== 'fixed'
              : scheme !== undefined &&
                isAffectedByOsv(scheme.api, key.version, toOsvAffected(record));
        } catch (error) {
          const note = `${key.ecosystem} ${key.name} ${key.version} vs ${record.advisory.id}: ${describeCause(error)}`;
          problems.set(note, (problems.get(note) ?? 0) + 1);
          continue;
        }
        if (!affected) continue;
        seen.add(record.advisory.id);
        hits.push({ record, status: statusOf(record) });
      }
    }
    memo.set(memoKey, hits);
    return hits;
  }

  function related(advisory: StoredAdvisory): StoredAdvisory[] {
    const known = enrichment.get(advisory.id);
    if (known) return known;
    const ids = [advisory.id, ...advisory.aliases].filter(
      (id) => id.startsWith('CVE-') || id.startsWith('GHSA-'),
    );
    const found = ids
      .flatMap((id) => db.advisories(id))
      // Another feed's record under the same CVE id (NVD-style, the tracker's) is a different
      // record: only this very record is left out.
      .filter((other) => !(other.id === advisory.id && other.source === advisory.source));
    enrichment.set(advisory.id, found);
    return found;
  }

  function toFinding(pkg: MatchPackage, key: LookupKey, hit: Hit): Finding {
    hit.core ??= findingCore(key, hit);
    const findingPackage: FindingPackage = {
      id: pkg.id,
      type: pkg.type,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      source: pkg.source,
      locations: pkg.locations,
    };
    return { ...hit.core, package: findingPackage };
  }

  function findingCore(key: LookupKey, hit: Hit): Omit<Finding, 'package'> {
    const advisory = hit.record.advisory;
    const others = related(advisory);
    const cvss = cvssScores([...advisory.severity, ...hit.record.severity], advisory.source);
    const otherCvss =
      cvss.length > 0 ? [] : others.flatMap((other) => cvssScores(other.severity, other.source));
    const labels = [...hit.record.severity, ...advisory.severity].filter((s) => s.type === 'LABEL');
    const distroLabels = labels.filter(
      (s) => DISTRO_LABEL_SOURCES.has(s.source ?? '') || key.distro,
    );
    const { severity, source } = decideSeverity({
      distro: key.distro,
      distroLabels,
      cvss: [...cvss, ...otherCvss],
      otherLabels: [
        ...labels,
        ...others.flatMap((other) => other.severity.filter((s) => s.type === 'LABEL')),
      ],
    });
    const { id, aliases } = primaryId(advisory);
    const describing =
      advisory.summary || advisory.details ? advisory : (others.find((o) => o.summary) ?? advisory);
    return {
      id,
      aliases,
      installedVersion: key.version,
      fixedVersions: hit.record.fixed,
      status: hit.status,
      severity,
      severitySource: source,
      cvss: [...cvss, ...otherCvss],
      title: describing.summary,
      description: describing.details,
      primaryUrl: advisory.url ?? advisory.references[0]?.url,
      references: advisory.references.map((ref) => ref.url),
      published: advisory.published,
      modified: advisory.modified,
      dataSource: advisory.source,
      ecosystem: key.ecosystem,
    };
  }

  return {
    /** The package-independent part of every finding for one lookup key (memoized). */
    coresFor(key: LookupKey): readonly Omit<Finding, 'package'>[] {
      return hitsFor(key).map((hit) => (hit.core ??= findingCore(key, hit)));
    },

    match(catalog: {
      readonly os: OsInfo | undefined;
      readonly packages: readonly MatchPackage[];
    }): MatchResult {
      const notes: string[] = [];
      const findings = new Map<string, Finding>();
      let osUnmatched = 0;
      const uncovered = new Map<string, number>();
      for (const pkg of catalog.packages) {
        if (pkg.ownedBy && !options.includeOsOwned) continue;
        const key = lookupKey(pkg, catalog.os);
        if (!key) {
          if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') osUnmatched += 1;
          continue;
        }
        if (!db.covers(key.ecosystem)) {
          uncovered.set(key.ecosystem, (uncovered.get(key.ecosystem) ?? 0) + 1);
          continue;
        }
        for (const hit of hitsFor(key)) {
          const finding = toFinding(pkg, key, hit);
          // One finding per package and vulnerability, whichever feeds reported it.
          const dedupe = `${pkg.id}\0${finding.id}`;
          const existing = findings.get(dedupe);
          if (!existing) findings.set(dedupe, finding);
          else
            findings.set(dedupe, {
              ...existing,
              aliases: [...new Set([...existing.aliases, ...finding.aliases, finding.id])]
                .filter((a) => a !== existing.id)
                .sort(),
            });
        }
      }
      if (osUnmatched > 0) {
        notes.push(
          `${osUnmatched} OS packages not matched: the distribution release (${catalog.os ? `${catalog.os.id} ${catalog.os.versionId ?? '?'}` : 'unknown'}) has no advisory feed`,
        );
      }
      // A database built from some feeds only (`db build --source`) finds nothing for the rest:
      // say so, or a gate would pass an image nobody checked.
      for (const [ecosystem, count] of uncovered)
        notes.push(
          `${count} package${count === 1 ? '' : 's'} not matched: the vulnerability database has no advisories for ${ecosystem}`,
        );
      for (const [note, count] of problems)
        notes.push(count > 1 ? `${note} (${count} times)` : note);
      problems.clear();
      return { findings: [...findings.values()], notes };
    },
  };
}

export type Matcher = ReturnType<typeof createMatcher>;
