import { severityRank, type Severity } from '../rules/index.js';
import type { GateResult, SeverityCounts, Suppressible } from '../report/index.js';

export interface FilterOptions {
  /** Only these severities are reported and gated (default: all). */
  readonly severities?: readonly Severity[] | undefined;
  /** Leave out vulnerabilities with no fixed version. */
  readonly ignoreUnfixed?: boolean | undefined;
}

interface Gated {
  readonly severity: Severity;
  readonly suppressed?: unknown;
}

/** Splits findings into those reported and a count of those filtered out. */
export function applyFilters<T extends Gated & { status?: string }>(
  findings: readonly T[],
  options: FilterOptions,
): { kept: T[]; filtered: number } {
  const kept = findings.filter(
    (f) =>
      (!options.severities || options.severities.includes(f.severity)) &&
      !(options.ignoreUnfixed && f.status !== undefined && f.status !== 'fixed'),
  );
  return { kept, filtered: findings.length - kept.length };
}

export function countBySeverity(findings: readonly Suppressible<Gated>[]): SeverityCounts {
  const counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const f of findings) if (!f.suppressed) counts[f.severity] += 1;
  return counts;
}

/** Fails when any reported, unsuppressed finding is at or above `failOn`. */
export function evaluateGate(
  findings: readonly (Gated & { label: string })[],
  failOn: Severity | undefined,
): GateResult {
  if (!failOn) return { failOn, passed: true, failures: [] };
  const failures = findings
    .filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn))
    .map((f) => `${f.label} (${f.severity})`);
  return { failOn, passed: failures.length === 0, failures };
}
