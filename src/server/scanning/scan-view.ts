import type { Finding } from '../../match/index.js';
import type { SeverityCounts } from '../../report/index.js';
import type { FindingChange } from './finding-history.js';
import { historyKey } from './finding-history.js';
import type { ScanningService } from './scanning-service.js';
import { sortFindings } from './verdict.js';

export type ScanState = 'queued' | 'running' | 'done' | 'failed' | 'unsupported' | 'not-scanned';

export interface FindingView {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly severity: string;
  readonly package: {
    readonly name: string;
    readonly version: string;
    readonly type: string;
    readonly purl: string;
  };
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly status: string;
  readonly title: string | undefined;
  readonly primaryUrl: string | undefined;
  /** When this finding first appeared for this image (the scan, or the database update that brought it). */
  readonly firstSeen: string | undefined;
}

/** The answer of `GET …/manifests/{digest}/scan`: status, summary, findings and their history. */
export interface ScanView {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string | undefined;
  readonly status: ScanState;
  readonly error?: string | undefined;
  readonly scannedAt?: string | undefined;
  readonly matchedAt?: string | undefined;
  readonly db?: { readonly builtAt: string } | undefined;
  readonly packages?: number | undefined;
  readonly summary?: (SeverityCounts & { readonly total: number }) | undefined;
  readonly findings?: readonly FindingView[] | undefined;
  readonly changes?: readonly FindingChange[] | undefined;
  /** An index: each of its images. */
  readonly manifests?:
    readonly (ScanView & { readonly platform: string | undefined })[] | undefined;
  /** What the project's pull gate says about this manifest now. */
  readonly pull: { readonly allowed: boolean; readonly reason?: string | undefined };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function findingView(finding: Finding, firstSeen: Map<string, number>): FindingView {
  return {
    id: finding.id,
    aliases: finding.aliases,
    severity: finding.severity,
    package: {
      name: finding.package.name,
      version: finding.package.version,
      type: finding.package.type,
      purl: finding.package.purl,
    },
    installedVersion: finding.installedVersion,
    fixedVersions: finding.fixedVersions,
    status: finding.status,
    title: finding.title,
    primaryUrl: finding.primaryUrl,
    firstSeen: iso(firstSeen.get(historyKey(finding))),
  };
}

function total(counts: SeverityCounts): number {
  return counts.CRITICAL + counts.HIGH + counts.MEDIUM + counts.LOW + counts.UNKNOWN;
}

/** Status, summary and (with `details`) findings of one manifest digest as seen from `repository`. */
export function scanView(
  service: ScanningService,
  repository: string,
  digest: string,
  mediaType: string | undefined,
  details: boolean,
): ScanView {
  const denial = service.gate.check(repository, digest);
  const pull = denial ? { allowed: false, reason: denial.message } : { allowed: true };
  const children = service.store.indexChildren(digest);
  if (children.length > 0) {
    const manifests = children.map((child) => ({
      ...scanView(service, repository, child.digest, undefined, false),
      platform: child.platform,
    }));
    const states = new Set(manifests.map((m) => m.status));
    const status: ScanState = states.has('running')
      ? 'running'
      : states.has('queued')
        ? 'queued'
        : states.has('not-scanned')
          ? 'not-scanned'
          : states.has('failed')
            ? 'failed'
            : 'done';
    return { repository, digest, mediaType, status, manifests, pull };
  }
  const job = service.queue.state(digest);
  if (job) return { repository, digest, mediaType, status: job, pull };
  const scan = service.store.get(digest);
  if (!scan) return { repository, digest, mediaType, status: 'not-scanned', pull };
  const base = {
    repository,
    digest,
    mediaType: scan.mediaType || mediaType,
    status: scan.status,
    error: scan.error,
    scannedAt: iso(scan.scannedAt),
    matchedAt: iso(scan.matchedAt),
    db: scan.dbBuiltAt ? { builtAt: scan.dbBuiltAt } : undefined,
    packages: scan.packages,
    summary: scan.counts ? { ...scan.counts, total: total(scan.counts) } : undefined,
    pull,
  };
  if (!details || scan.status !== 'done') return base;
  const firstSeen = service.history.firstSeen(digest);
  const findings = sortFindings(service.store.findings(digest) ?? []).map((finding) =>
    findingView(finding, firstSeen),
  );
  return { ...base, findings, changes: service.history.changes(digest) };
}
