import { severityRank } from '../../../rules/index.js';
import type { ScanReport, SeverityCounts } from '../../scan-report.js';
import { renderTable } from './render-table.js';

function counts(c: SeverityCounts): string {
  const total = c.CRITICAL + c.HIGH + c.MEDIUM + c.LOW + c.UNKNOWN;
  return `${total} (CRITICAL: ${c.CRITICAL}, HIGH: ${c.HIGH}, MEDIUM: ${c.MEDIUM}, LOW: ${c.LOW}, UNKNOWN: ${c.UNKNOWN})`;
}

function heading(title: string): string {
  return `${title}\n${'='.repeat(Math.min(title.length, 100))}`;
}

const bySeverity = <T extends { severity: Parameters<typeof severityRank>[0] }>(
  a: T,
  b: T,
): number => severityRank(b.severity) - severityRank(a.severity);

/** Targets as Trivy users know them: OS packages under the image, language packages by file. */
function targetOf(report: ScanReport, type: string, path: string | undefined): string {
  if (type === 'deb' || type === 'apk' || type === 'rpm') {
    const os = report.artifact.os;
    const eol = report.artifact.osEndOfLife
      ? `, end of life since ${report.artifact.osEndOfLife}`
      : '';
    return `${report.artifact.name}${os ? ` (${os.id} ${os.versionId ?? ''}`.trimEnd() + `${eol})` : ''}`;
  }
  return (path ?? report.artifact.name).split('!')[0] ?? report.artifact.name;
}

/** The human report: one table per target, sorted by severity, then a summary and the gate. */
export function renderScanTable(report: ScanReport): string {
  const out: string[] = [];
  const groups = new Map<string, ScanReport['vulnerabilities'][number][]>();
  for (const finding of report.vulnerabilities) {
    const target = targetOf(report, finding.package.type, finding.package.locations[0]?.path);
    groups.set(target, [...(groups.get(target) ?? []), finding]);
  }
  if (report.scanners.includes('vuln') && groups.size === 0)
    out.push(heading(report.artifact.name), 'No vulnerabilities found.', '');
  for (const [target, findings] of groups) {
    findings.sort(
      (a, b) =>
        bySeverity(a, b) ||
        a.package.name.localeCompare(b.package.name) ||
        a.id.localeCompare(b.id),
    );
    const c = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
    for (const f of findings) if (!f.suppressed) c[f.severity] += 1;
    out.push(heading(target), `Total: ${counts(c)}`, '');
    out.push(
      renderTable(
        ['LIBRARY', 'VULNERABILITY', 'SEVERITY', 'STATUS', 'INSTALLED', 'FIXED', 'TITLE'],
        findings.map((f) => [
          f.package.name,
          f.id,
          f.severity,
          f.suppressed ? `suppressed (${f.suppressed.by})` : f.status,
          f.package.version,
          f.fixedVersions.join(', '),
          (f.title ?? f.primaryUrl ?? '').slice(0, 80),
        ]),
      ),
      '',
    );
  }
  if (report.secrets.length > 0) {
    const secrets = [...report.secrets].sort(bySeverity);
    out.push(heading('Secrets'), '');
    out.push(
      renderTable(
        ['SEVERITY', 'RULE', 'FILE', 'LINE', 'LAYER', 'MATCH'],
        secrets.map((s) => [
          s.severity,
          s.ruleId,
          s.path,
          String(s.line ?? ''),
          // A negative index: found in the image configuration (Env, history), not in a layer.
          s.layerIndex < 0 ? '-' : `${s.layerIndex + 1}${s.visible ? '' : ' (deleted later)'}`,
          (s.excerpt ?? '').slice(0, 80),
        ]),
      ),
      '',
    );
  }
  if (report.misconfigurations.length > 0) {
    const checks = [...report.misconfigurations].sort(bySeverity);
    out.push(heading('Image checks'), '');
    out.push(
      renderTable(
        ['SEVERITY', 'CHECK', 'TITLE', 'DETAIL'],
        checks.map((m) => [m.severity, m.ruleId, m.title, m.message.slice(0, 100)]),
      ),
      '',
    );
  }
  const s = report.summary;
  out.push(
    `Vulnerabilities: ${counts(s.vulnerabilities)}`,
    ...(report.scanners.includes('secret') ? [`Secrets: ${counts(s.secrets)}`] : []),
    ...(report.scanners.includes('misconfig')
      ? [`Image checks: ${counts(s.misconfigurations)}`]
      : []),
    `Suppressed: ${s.suppressed}, filtered out: ${s.filtered}, packages scanned: ${s.packages}`,
  );
  if (report.gate.failOn) {
    out.push(
      report.gate.passed
        ? `Gate: passed (--fail-on ${report.gate.failOn})`
        : `Gate: FAILED (--fail-on ${report.gate.failOn}): ${report.gate.failures.length} finding(s) at or above ${report.gate.failOn}`,
    );
  }
  return `${out.join('\n')}\n`;
}
