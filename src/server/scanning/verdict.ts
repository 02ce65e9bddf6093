import type { Finding } from '../../match/index.js';
import type { SeverityCounts } from '../../report/index.js';
import { severityRank, type Severity } from '../../rules/index.js';

/** The one finding a blocked pull names: the most severe (fixable first, then by id). */
export interface FindingBrief {
  readonly id: string;
  readonly severity: Severity;
  readonly package: string;
  readonly version: string;
  readonly fixedVersions: readonly string[];
  readonly status: string;
}

export function countFindings(findings: readonly Finding[]): SeverityCounts {
  const counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function compareFindings(a: Finding, b: Finding): number {
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity !== 0) return bySeverity;
  const byFix = Number(b.fixedVersions.length > 0) - Number(a.fixedVersions.length > 0);
  if (byFix !== 0) return byFix;
  return a.id.localeCompare(b.id) || a.package.name.localeCompare(b.package.name);
}

export function worstFinding(findings: readonly Finding[]): FindingBrief | undefined {
  let worst: Finding | undefined;
  for (const finding of findings)
    if (!worst || compareFindings(finding, worst) < 0) worst = finding;
  if (!worst) return undefined;
  return {
    id: worst.id,
    severity: worst.severity,
    package: worst.package.name,
    version: worst.package.version,
    fixedVersions: worst.fixedVersions,
    status: worst.status,
  };
}

/** Findings most severe first, for API answers. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}
