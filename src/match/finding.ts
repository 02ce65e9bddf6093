import type { Location, PackageType } from '../catalog/index.js';
import type { Severity } from '../rules/index.js';

/** fixed: a fix exists; affected: no fix yet; will-not-fix / end-of-life: the distro says none will come. */
export type FindingStatus = 'fixed' | 'affected' | 'will-not-fix' | 'end-of-life';

export interface CvssScore {
  /** `2.0`, `3.0`, `3.1`, `4.0`. */
  readonly version: string;
  readonly vector: string;
  readonly score: number;
  readonly source: string;
}

export interface FindingPackage {
  readonly id: string;
  readonly type: PackageType;
  readonly name: string;
  readonly version: string;
  readonly purl: string;
  readonly source?: { readonly name: string; readonly version: string } | undefined;
  readonly locations: readonly Location[];
}

/** One vulnerability in one package, with everything a report or a gate needs. */
export interface Finding {
  /** The advisory id as its feed writes it (CVE-…, GHSA-…, GO-…, RUSTSEC-…, DSA-…). */
  readonly id: string;
  readonly aliases: readonly string[];
  readonly package: FindingPackage;
  /** The version that was compared (the source version for distro packages). */
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** Where the severity came from: `debian`, `ghsa`, `cvss:3.1`, … */
  readonly severitySource: string;
  readonly cvss: readonly CvssScore[];
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly primaryUrl: string | undefined;
  readonly references: readonly string[];
  readonly published: string | undefined;
  readonly modified: string | undefined;
  /** The database source the record came from (`osv`, `debian-oval`, `alpine-secdb`, …). */
  readonly dataSource: string;
  /** The ecosystem the package was looked up in (`Debian:12`, `npm`, `Go`). */
  readonly ecosystem: string;
}
