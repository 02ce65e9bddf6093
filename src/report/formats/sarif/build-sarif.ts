import type * as Sarif from 'sarif';
import type { Severity } from '../../../rules/index.js';
import type { RenderContext } from '../../sbom-format.js';
import type { ScanReport, Suppressible } from '../../scan-report.js';

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
};

/** GitHub code scanning ranks by `security-severity` (0–10); without a CVSS score, a band midpoint. */
const BAND_SCORE: Readonly<Record<Severity, number>> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0.0,
};

interface Item {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly short: string;
  readonly full: string;
  readonly helpUri: string | undefined;
  readonly severity: Severity;
  readonly score: number;
  readonly tags: readonly string[];
  readonly message: string;
  readonly path: string;
  readonly line: number;
  readonly fingerprint: string;
  readonly suppressed: Suppressible<object>['suppressed'];
}

function items(report: ScanReport): Item[] {
  const vulns = report.vulnerabilities.map((f): Item => {
    const score = Math.max(0, ...f.cvss.map((c) => c.score));
    const fixed =
      f.fixedVersions.length > 0
        ? `fixed in ${f.fixedVersions.join(', ')}`
        : f.status.replace(/-/g, ' ');
    return {
      ruleId: f.id,
      ruleName: `${f.package.type}:${f.package.name}`,
      short: f.title ?? f.id,
      full: f.description ?? f.title ?? f.id,
      helpUri: f.primaryUrl,
      severity: f.severity,
      score: score > 0 ? score : BAND_SCORE[f.severity],
      tags: ['vulnerability', 'security', f.severity],
      message: `${f.package.name} ${f.installedVersion} is affected by ${f.id} (${f.severity}); ${fixed}`,
      path: f.package.locations[0]?.path ?? report.artifact.name,
      line: 1,
      fingerprint: `${f.id}:${f.package.purl}`,
      suppressed: f.suppressed,
    };
  });
  const secrets = report.secrets.map((f): Item => ({
    ruleId: `secret/${f.ruleId}`,
    ruleName: f.title,
    short: f.title,
    // A negative layer index marks the image configuration (Env, history), not a layer's file.
    full:
      f.layerIndex < 0
        ? `${f.title} in the image configuration`
        : `${f.title} in a file of the image${f.visible ? '' : ' (deleted in a later layer, still in the image history)'}`,
    helpUri: undefined,
    severity: f.severity,
    score: BAND_SCORE[f.severity],
    tags: ['secret', 'security', f.severity],
    message: `${f.title}: ${f.excerpt ?? ''} (${f.layerIndex < 0 ? 'image configuration' : `layer ${f.layerIndex + 1}`})`,
    path: f.path,
    line: f.line ?? 1,
    fingerprint: `${f.ruleId}:${f.path}:${f.line ?? 0}:${f.layerIndex}`,
    suppressed: f.suppressed,
  }));
  const misconfig = report.misconfigurations.map((f): Item => ({
    ruleId: f.ruleId,
    ruleName: f.title,
    short: f.title,
    full: f.title,
    helpUri: undefined,
    severity: f.severity,
    score: BAND_SCORE[f.severity],
    tags: ['misconfiguration', 'security', f.severity],
    message: `${f.title}: ${f.message}`,
    path: f.path ?? report.artifact.name,
    line: 1,
    fingerprint: `${f.ruleId}:${f.message}`,
    suppressed: f.suppressed,
  }));
  return [...vulns, ...secrets, ...misconfig];
}

/** SARIF 2.1.0: one rule per advisory or check, one result per finding, suppressions recorded. */
export function buildSarif(report: ScanReport, context: RenderContext): Sarif.Log {
  const all = items(report);
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const item of all) {
    if (ruleIndex.has(item.ruleId)) continue;
    ruleIndex.set(item.ruleId, rules.length);
    rules.push({
      id: item.ruleId,
      name: item.ruleName.replace(/[^A-Za-z0-9]+/g, ''),
      shortDescription: { text: item.short },
      fullDescription: { text: item.full },
      defaultConfiguration: { level: LEVEL[item.severity] },
      ...(item.helpUri ? { helpUri: item.helpUri } : {}),
      help: {
        text: `${item.short}\n${item.helpUri ?? ''}`.trim(),
        markdown: `**${item.short}**${item.helpUri ? `\n\n[${item.ruleId}](${item.helpUri})` : ''}`,
      },
      properties: {
        tags: [...item.tags],
        precision: 'very-high',
        'security-severity': item.score.toFixed(1),
      },
    });
  }
  const results: Sarif.Result[] = all.map((item) => ({
    ruleId: item.ruleId,
    ruleIndex: ruleIndex.get(item.ruleId) ?? 0,
    level: LEVEL[item.severity],
    message: { text: item.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: item.path.replace(/!/g, '/') },
          region: { startLine: item.line, startColumn: 1 },
        },
      },
    ],
    partialFingerprints: { 'lockyard/v1': item.fingerprint },
    ...(item.suppressed
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${item.suppressed.by}: ${item.suppressed.reason}`,
            },
          ],
        }
      : {}),
  }));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Lockyard',
            fullName: `Lockyard ${context.toolVersion}`,
            version: context.toolVersion,
            informationUri: 'https://github.com/lockyard/lockyard',
            rules,
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        properties: {
          imageName: report.artifact.name,
          imageId: report.artifact.image.configDigest ?? '',
          repoDigest: report.artifact.image.manifestDigest ?? '',
        },
      },
    ],
  };
}
