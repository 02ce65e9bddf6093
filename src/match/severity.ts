import { createRequire } from 'node:module';
import type { Severity as FeedSeverity } from '../vulndb/index.js';
import type { Severity } from '../rules/index.js';
import type { CvssScore } from './finding.js';

/** The part of the calculator's vector object used here (its own typings say `any`). */
interface ParsedVector {
  calculateScores(): { readonly base?: number; readonly overall: number };
  getVectorName(): string;
}

// The calculator is CommonJS whose exports Node's ESM loader cannot detect by name.
const { fromVector } = createRequire(import.meta.url)('ae-cvss-calculator') as {
  fromVector: (vector: string) => ParsedVector | null | undefined;
};

/** CVSS base score bands (FIRST, v3.x and v4.0; v2 uses the same bands here). */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

const LABELS: Readonly<Record<string, Severity>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  important: 'HIGH',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  negligible: 'LOW',
  unimportant: 'LOW',
};

/** A feed's qualitative label (`MODERATE`, Debian `unimportant`, Red Hat `Important`) as a severity. */
export function severityOfLabel(label: string): Severity | undefined {
  return LABELS[label.trim().toLowerCase().replace(/\*+$/, '')];
}

/** The base metrics each CVSS version requires (v2 guide §2.4, v3.1 spec §6, v4.0 spec §7). */
const BASE_METRICS: Readonly<Record<string, readonly string[]>> = {
  '2.0': ['AV', 'AC', 'Au', 'C', 'I', 'A'],
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

/**
 * True when the vector itself gives every base metric a real value. The calculator fills missing
 * metrics with "not defined" and then scores a cut-off vector 0 (or, for v4.0, as if the missing
 * impacts were None), which would turn a damaged record into a confident low score.
 */
function hasAllBaseMetrics(vector: string, version: string): boolean {
  const given = new Map<string, string>();
  for (const part of vector.split('/')) {
    const [metric, value] = part.split(':');
    if (metric && value !== undefined) given.set(metric, value);
  }
  const required = BASE_METRICS[version];
  return (
    required !== undefined &&
    required.every((metric) => {
      const value = given.get(metric);
      return value !== undefined && value !== 'X' && value !== 'ND';
    })
  );
}

/**
 * Computes every CVSS vector's base score with a maintained calculator. Vectors it cannot read
 * and vectors missing a base metric are dropped.
 */
export function cvssScores(severities: readonly FeedSeverity[], source: string): CvssScore[] {
  const out: CvssScore[] = [];
  for (const severity of severities) {
    if (severity.type === 'LABEL') continue;
    const vector = fromVector(severity.score);
    if (!vector) continue;
    const scores = vector.calculateScores();
    const version = vector.getVectorName().replace(/^CVSS:/, '');
    if (!hasAllBaseMetrics(severity.score, version) || scores.base === undefined) continue;
    out.push({
      version,
      vector: severity.score,
      score: scores.base,
      source: severity.source ?? source,
    });
  }
  return out;
}

const VERSION_RANK: Readonly<Record<string, number>> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/**
 * Decides one severity, documented in match/README.md: for distro packages the distribution's own
 * rating wins (it knows how the package is built and used there); otherwise, and when a distro has
 * no rating, the newest CVSS version's base score; then any other feed's label; else UNKNOWN.
 */
export function decideSeverity(input: {
  readonly distro: boolean;
  readonly distroLabels: readonly FeedSeverity[];
  readonly cvss: readonly CvssScore[];
  readonly otherLabels: readonly FeedSeverity[];
}): { severity: Severity; source: string } {
  if (input.distro) {
    for (const label of input.distroLabels) {
      const severity = label.type === 'LABEL' ? severityOfLabel(label.score) : undefined;
      if (severity) return { severity, source: label.source ?? 'distro' };
    }
  }
  const newest = [...input.cvss].sort(
    (a, b) => (VERSION_RANK[b.version] ?? 0) - (VERSION_RANK[a.version] ?? 0) || b.score - a.score,
  )[0];
  if (newest) return { severity: severityOfScore(newest.score), source: `cvss:${newest.version}` };
  for (const label of [...input.distroLabels, ...input.otherLabels]) {
    const severity = label.type === 'LABEL' ? severityOfLabel(label.score) : undefined;
    if (severity) return { severity, source: label.source ?? 'label' };
  }
  return { severity: 'UNKNOWN', source: 'none' };
}
