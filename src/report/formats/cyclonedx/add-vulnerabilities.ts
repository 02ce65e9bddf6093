import * as CDX from './cdx.js';
import type { ScanReport } from '../../scan-report.js';

const METHOD: Readonly<Record<string, CDX.Enums.Vulnerability.RatingMethod>> = {
  '2.0': CDX.Enums.Vulnerability.RatingMethod.CVSSv2,
  '3.0': CDX.Enums.Vulnerability.RatingMethod.CVSSv3,
  '3.1': CDX.Enums.Vulnerability.RatingMethod.CVSSv31,
  '4.0': CDX.Enums.Vulnerability.RatingMethod.CVSSv4,
};

const SEVERITY: Readonly<Record<string, CDX.Enums.Vulnerability.Severity>> = {
  CRITICAL: CDX.Enums.Vulnerability.Severity.Critical,
  HIGH: CDX.Enums.Vulnerability.Severity.High,
  MEDIUM: CDX.Enums.Vulnerability.Severity.Medium,
  LOW: CDX.Enums.Vulnerability.Severity.Low,
  UNKNOWN: CDX.Enums.Vulnerability.Severity.Unknown,
};

/** Adds one CycloneDX vulnerability per finding, affecting the component of its package. */
export function addVulnerabilities(bom: CDX.Models.Bom, report: ScanReport): void {
  const refs = new Map<string, CDX.Models.BomRef>();
  for (const component of bom.components) {
    if (component.bomRef.value) refs.set(component.bomRef.value, component.bomRef);
  }
  for (const finding of report.vulnerabilities) {
    const ref = refs.get(`${finding.package.purl}#${finding.package.id}`);
    const ratings = new CDX.Models.Vulnerability.RatingRepository([
      new CDX.Models.Vulnerability.Rating({
        severity: SEVERITY[finding.severity],
        source: new CDX.Models.Vulnerability.Source({ name: finding.severitySource }),
      }),
      ...finding.cvss.map(
        (c) =>
          new CDX.Models.Vulnerability.Rating({
            score: c.score,
            vector: c.vector,
            ...(METHOD[c.version] ? { method: METHOD[c.version] } : {}),
            source: new CDX.Models.Vulnerability.Source({ name: c.source }),
          }),
      ),
    ]);
    const vulnerability = new CDX.Models.Vulnerability.Vulnerability({
      bomRef: `${finding.id}#${finding.package.id}`,
      id: finding.id,
      source: new CDX.Models.Vulnerability.Source({
        name: finding.dataSource,
        ...(finding.primaryUrl ? { url: finding.primaryUrl } : {}),
      }),
      ratings,
      ...(finding.title ? { description: finding.title } : {}),
      ...(finding.description ? { detail: finding.description } : {}),
      ...(finding.fixedVersions.length > 0
        ? {
            recommendation: `Upgrade ${finding.package.name} to ${finding.fixedVersions.join(' or ')}`,
          }
        : {}),
      ...(finding.published ? { published: new Date(finding.published) } : {}),
      ...(finding.modified ? { updated: new Date(finding.modified) } : {}),
      references: new CDX.Models.Vulnerability.ReferenceRepository(
        finding.aliases.map(
          (alias) =>
            new CDX.Models.Vulnerability.Reference(
              alias,
              new CDX.Models.Vulnerability.Source({ name: alias.split('-')[0] ?? alias }),
            ),
        ),
      ),
      ...(finding.suppressed
        ? {
            analysis: new CDX.Models.Vulnerability.Analysis({
              state:
                finding.suppressed.by === 'vex' && finding.suppressed.reason.startsWith('fixed')
                  ? CDX.Enums.Vulnerability.AnalysisState.Resolved
                  : CDX.Enums.Vulnerability.AnalysisState.NotAffected,
              detail: `${finding.suppressed.by}: ${finding.suppressed.reason}`,
            }),
          }
        : {}),
    });
    if (ref) {
      vulnerability.affects.add(
        new CDX.Models.Vulnerability.Affect(ref, {
          versions: new CDX.Models.Vulnerability.AffectedVersionRepository([
            new CDX.Models.Vulnerability.AffectedSingleVersion(finding.package.version, {
              status: CDX.Enums.Vulnerability.AffectStatus.Affected,
            }),
          ]),
        }),
      );
    }
    bom.vulnerabilities.add(vulnerability);
  }
}
