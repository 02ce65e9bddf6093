import type { Catalog } from '../../catalog/index.js';
import { osEndOfLife, type Finding } from '../../match/index.js';
import {
  sbomFormats,
  scanFormats,
  type RenderContext,
  type ScanReport,
} from '../../report/index.js';
import { VERSION } from '../../product/index.js';
import { severityRank } from '../../rules/index.js';
import { ScanningError } from './errors.js';
import type { ScanPolicy } from './policy.js';
import type { StoredScan } from './scan-store.js';
import { countFindings } from './verdict.js';

export function renderContext(): RenderContext {
  return { toolName: 'lockyard', toolVersion: VERSION, now: new Date() };
}

/** A stored scan as the report formats take it: the image's SBOM, its findings, the project's gate. */
export function buildScanReport(
  repository: string,
  scan: StoredScan,
  catalog: Catalog,
  findings: readonly Finding[],
  policy: ScanPolicy,
  dbPath: string,
): ScanReport {
  const failOn = policy.blockSeverity;
  const failures = failOn
    ? findings
        .filter((f) => severityRank(f.severity) >= severityRank(failOn))
        .map((f) => `${f.id} in ${f.package.name} ${f.package.version} (${f.severity})`)
    : [];
  const none = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  return {
    schemaVersion: 1,
    artifact: {
      name: `${repository}@${scan.digest}`,
      type: 'image',
      image: { ...catalog.image, name: `${repository}@${scan.digest}` },
      os: catalog.os,
      osEndOfLife: osEndOfLife(catalog.os, new Date()),
      distroless: catalog.distroless,
    },
    scanners: ['vuln'],
    db: scan.dbBuiltAt
      ? {
          path: dbPath,
          builtAt: scan.dbBuiltAt,
          ageHours: Math.round(((Date.now() - Date.parse(scan.dbBuiltAt)) / 3_600_000) * 10) / 10,
          sources: [],
        }
      : undefined,
    packages: catalog.packages,
    vulnerabilities: findings,
    secrets: [],
    misconfigurations: [],
    summary: {
      vulnerabilities: countFindings(findings),
      secrets: none,
      misconfigurations: none,
      suppressed: 0,
      filtered: 0,
      packages: catalog.packages.length,
    },
    gate: { failOn, passed: failures.length === 0, failures },
    warnings: catalog.warnings,
  };
}

/** Renders a scan report in one of the report formats (`json`, `sarif`, `cyclonedx`, `table`). */
export function renderScan(
  format: string,
  report: ScanReport,
): { body: string; mediaType: string } {
  const renderer = scanFormats.get(format);
  if (!renderer?.renderScan) {
    throw new ScanningError(
      'INVALID_REQUEST',
      `format: unknown scan format "${format.slice(0, 40)}" (allowed: ${[...scanFormats.keys()].join(', ')})`,
    );
  }
  return { body: renderer.renderScan(report, renderContext()), mediaType: renderer.mediaType };
}

/** Renders the stored SBOM (`cyclonedx` by default, `spdx`, `json`). */
export function renderSbom(format: string, catalog: Catalog): { body: string; mediaType: string } {
  const renderer = sbomFormats.get(format);
  if (!renderer?.renderSbom) {
    throw new ScanningError(
      'INVALID_REQUEST',
      `format: unknown SBOM format "${format.slice(0, 40)}" (allowed: ${[...sbomFormats.keys()].join(', ')})`,
    );
  }
  return { body: renderer.renderSbom(catalog, renderContext()), mediaType: renderer.mediaType };
}
