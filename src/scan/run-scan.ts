import type { CatalogProgress, LocatedFileFinding } from '../catalog/index.js';
import { createMatcher, osEndOfLife, type Finding } from '../match/index.js';
import { checkImage, type ImageCheckFinding } from '../misconfig/index.js';
import type { PlatformSpec, RegistryOptions } from '../oci/index.js';
import { scanImageConfig } from '../secrets/index.js';
import type { Severity } from '../rules/index.js';
import {
  assertFresh,
  checkFreshness,
  defaultVulnDbPath,
  openVulnDb,
  type VulnDb,
} from '../vulndb/index.js';
import { applyFilters, countBySeverity, evaluateGate } from './gate.js';
import { humanDuration } from './human-duration.js';
import { readIgnoreFile } from './ignore-file.js';
import { loadTarget } from './load-target.js';
import {
  redactImage,
  type DbInfo,
  type ScanReport,
  type Scanner,
  type Suppressible,
} from '../report/index.js';
import {
  expiredEntries,
  suppressMisconfigurations,
  suppressSecrets,
  suppressVulnerabilities,
  type SuppressionRules,
} from './suppress.js';
import { readVex } from './vex.js';

export interface ScanOptions {
  readonly dataDir: string;
  readonly dbPath?: string | undefined;
  readonly scanners: readonly Scanner[];
  readonly severities?: readonly Severity[] | undefined;
  readonly ignoreUnfixed?: boolean | undefined;
  readonly failOn?: Severity | undefined;
  readonly ignoreFile?: string | undefined;
  readonly vex?: readonly string[] | undefined;
  readonly includeOsOwned?: boolean | undefined;
  /** Warn when the database is older than this; with requireFreshDb, fail. */
  readonly maxDbAgeMs: number;
  readonly requireFreshDb?: boolean | undefined;
  readonly maxImageAgeDays: number;
  readonly platform?: PlatformSpec | undefined;
  readonly registry?: RegistryOptions | undefined;
  readonly noCache?: boolean | undefined;
  readonly maxLayerBytes?: number | undefined;
  readonly onProgress?: ((event: CatalogProgress) => void) | undefined;
  readonly now?: Date | undefined;
}

/** Checks the database's age: a warning, or with --require-fresh-db an error (exit 2). */
function dbInfo(db: VulnDb, options: ScanOptions, now: Date, warnings: string[]): DbInfo {
  const status = db.status();
  if (options.requireFreshDb) assertFresh(status, options.maxDbAgeMs, now);
  const freshness = checkFreshness(status, options.maxDbAgeMs, now);
  const ageHours = freshness.ageMs / 3_600_000;
  if (!freshness.fresh) {
    warnings.push(
      `vulnerability database ${db.path} was built ${Number.isFinite(freshness.ageMs) ? `${humanDuration(freshness.ageMs)} ago` : 'at an unknown time'}; older than the allowed ${humanDuration(options.maxDbAgeMs)}: run 'lockyard db update'`,
    );
  }
  return {
    path: db.path,
    builtAt: status.builtAt,
    ageHours: Math.round(ageHours * 10) / 10,
    sources: status.sources.map((s) => s.kind),
  };
}

async function suppressionRules(options: ScanOptions, now: Date): Promise<SuppressionRules> {
  const ignore = options.ignoreFile
    ? (await readIgnoreFile(options.ignoreFile)).map((entry) => ({
        entry,
        source: options.ignoreFile ?? '',
      }))
    : [];
  const vex = (await Promise.all((options.vex ?? []).map((path) => readVex(path)))).flat();
  return { ignore, vex, now };
}

/**
 * The scan workflow, as named steps: load the target (image or SBOM) -> open and check the
 * database -> match -> secrets and image checks -> suppress (ignore file, VEX) -> filter
 * (--severity, --ignore-unfixed) -> gate (--fail-on).
 */
export async function runScan(target: string, options: ScanOptions): Promise<ScanReport> {
  const now = options.now ?? new Date();
  const rules = await suppressionRules(options, now);
  const { catalog, type } = await loadTarget(target, options);
  const warnings: string[] = [...expiredEntries(rules)];
  const endOfLife = osEndOfLife(catalog.os, now);
  if (endOfLife && catalog.os) {
    warnings.push(
      `${catalog.os.prettyName ?? `${catalog.os.id} ${catalog.os.versionId ?? ''}`} reached end of life on ${endOfLife}: it gets no security fixes, so unfixed vulnerabilities will stay unfixed; move to a supported release`,
    );
  }

  let vulnerabilities: Finding[] = [];
  let db: DbInfo | undefined;
  if (options.scanners.includes('vuln')) {
    const vulnDb = openVulnDb(options.dbPath ?? defaultVulnDbPath(options.dataDir));
    try {
      db = dbInfo(vulnDb, options, now, warnings);
      const result = createMatcher(vulnDb, {
        includeOsOwned: options.includeOsOwned ?? false,
      }).match(catalog);
      vulnerabilities = result.findings;
      warnings.push(...result.notes);
    } finally {
      vulnDb.close();
    }
  }
  const secretScanner = options.scanners.includes('secret');
  // Files (found in the layer pass) and the image config's Env and history (read here).
  const secrets: LocatedFileFinding[] = secretScanner
    ? [
        ...catalog.findings.filter((f) => f.kind === 'secret'),
        ...(type === 'image' ? scanImageConfig(catalog.image) : []),
      ]
    : [];
  const misconfigurations: ImageCheckFinding[] =
    options.scanners.includes('misconfig') && type === 'image'
      ? checkImage({ catalog, now, maxImageAgeDays: options.maxImageAgeDays, secretScanner })
      : [];

  const filters = { severities: options.severities, ignoreUnfixed: options.ignoreUnfixed };
  const vulns = applyFilters(suppressVulnerabilities(vulnerabilities, rules), filters);
  const secretsKept = applyFilters(suppressSecrets(secrets, rules), {
    severities: options.severities,
  });
  const misconfigKept = applyFilters(suppressMisconfigurations(misconfigurations, rules), {
    severities: options.severities,
  });
  const suppressed = [...vulns.kept, ...secretsKept.kept, ...misconfigKept.kept].filter(
    (f: Suppressible<object>) => f.suppressed,
  ).length;

  const gate = evaluateGate(
    [
      ...vulns.kept.map((f) => ({
        ...f,
        label: `${f.id} in ${f.package.name} ${f.package.version}`,
      })),
      ...secretsKept.kept.map((f) => ({ ...f, label: `secret ${f.ruleId} in ${f.path}` })),
      ...misconfigKept.kept.map((f) => ({ ...f, label: `${f.ruleId} ${f.title}` })),
    ],
    options.failOn,
  );
  return {
    schemaVersion: 1,
    artifact: {
      name: catalog.image.name,
      type,
      image: redactImage(catalog.image),
      os: catalog.os,
      osEndOfLife: endOfLife,
      distroless: catalog.distroless,
    },
    scanners: options.scanners,
    db,
    packages: catalog.packages,
    vulnerabilities: vulns.kept,
    secrets: secretsKept.kept,
    misconfigurations: misconfigKept.kept,
    summary: {
      vulnerabilities: countBySeverity(vulns.kept),
      secrets: countBySeverity(secretsKept.kept),
      misconfigurations: countBySeverity(misconfigKept.kept),
      suppressed,
      filtered: vulns.filtered + secretsKept.filtered + misconfigKept.filtered,
      packages: catalog.packages.length,
    },
    gate,
    warnings: [...warnings, ...catalog.warnings],
  };
}
