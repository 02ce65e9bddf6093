import type { ImageSummary, LocatedFileFinding, OsInfo, Package } from '../catalog/index.js';
import type { Finding } from '../match/index.js';
import type { ImageCheckFinding } from '../misconfig/index.js';
import type { Severity } from '../rules/index.js';

/** Why a finding is not counted: an ignore-file entry or a VEX statement, with its reason. */
export interface Suppression {
  readonly by: 'ignore-file' | 'vex';
  readonly reason: string;
  /** The ignore file or VEX document that said so. */
  readonly source: string;
}

export type Suppressible<T> = T & { readonly suppressed?: Suppression | undefined };

export type Scanner = 'vuln' | 'secret' | 'misconfig';

export interface SeverityCounts {
  readonly CRITICAL: number;
  readonly HIGH: number;
  readonly MEDIUM: number;
  readonly LOW: number;
  readonly UNKNOWN: number;
}

export interface ScanSummary {
  readonly vulnerabilities: SeverityCounts;
  readonly secrets: SeverityCounts;
  readonly misconfigurations: SeverityCounts;
  /** Findings left out by an ignore file or VEX document. */
  readonly suppressed: number;
  /** Findings left out by --severity or --ignore-unfixed. */
  readonly filtered: number;
  readonly packages: number;
}

export interface GateResult {
  readonly failOn: Severity | undefined;
  readonly passed: boolean;
  /** The findings that failed the gate, as `ID (SEVERITY) in package`. */
  readonly failures: readonly string[];
}

export interface DbInfo {
  readonly path: string;
  readonly builtAt: string;
  readonly ageHours: number;
  readonly sources: readonly string[];
}

/** Everything one scan found, after suppression and filtering; the input of every scan format. */
export interface ScanReport {
  readonly schemaVersion: 1;
  readonly artifact: {
    readonly name: string;
    readonly type: 'image' | 'sbom';
    readonly image: ImageSummary;
    readonly os: OsInfo | undefined;
    /** When the OS release went out of support, if it has. */
    readonly osEndOfLife: string | undefined;
    readonly distroless: boolean;
  };
  readonly scanners: readonly Scanner[];
  readonly db: DbInfo | undefined;
  /** Every package scanned (CycloneDX output lists them; JSON only with --list-all-pkgs). */
  readonly packages: readonly Package[];
  readonly vulnerabilities: readonly Suppressible<Finding>[];
  readonly secrets: readonly Suppressible<LocatedFileFinding>[];
  readonly misconfigurations: readonly Suppressible<ImageCheckFinding>[];
  readonly summary: ScanSummary;
  readonly gate: GateResult;
  /** Expired ignore entries (reported, not applied), unmatched packages, feed problems. */
  readonly warnings: readonly string[];
}
