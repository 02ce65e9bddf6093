import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../../errors/index.js';
import type { ScanReport, Scanner } from '../../report/index.js';
import { formatOption, SCAN_FORMAT_IDS } from '../format-ids.js';
import { SEVERITIES, type Severity } from '../../rules/index.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import {
  addImageOptions,
  platformMismatch,
  resolveImageFlags,
  type ImageFlags,
} from '../image-options.js';
import { writeOutput } from '../output.js';
import { parseList } from '../parse-list.js';
import { parseDuration } from '../parse-duration.js';
import { createCatalogProgress } from '../progress.js';
import { VERSION } from '../../product/index.js';

interface ScanFlags extends ImageFlags {
  readonly format: string;
  readonly output?: string;
  readonly db?: string;
  readonly scanners: string;
  readonly severity?: string;
  readonly ignoreUnfixed?: boolean;
  readonly failOn?: string;
  readonly exitCode?: string;
  readonly ignorefile?: string;
  readonly vex?: string[];
  readonly includeOsOwned?: boolean;
  readonly maxDbAge: string;
  readonly requireFreshDb?: boolean;
  readonly maxImageAge: string;
  readonly listAllPkgs?: boolean;
}

const SCANNERS: readonly Scanner[] = ['vuln', 'secret', 'misconfig'];

export function scanCommand(context: CliContext): Command {
  const command = new Command('scan')
    .description(
      'Scan an image or an SBOM for vulnerabilities, secrets and misconfigurations; gate CI on the result',
    )
    .argument('<target>', 'an image (as for `lockyard sbom`) or a CycloneDX / SPDX JSON SBOM file')
    .addOption(formatOption(SCAN_FORMAT_IDS))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--db <file>', 'vulnerability database (default: DATA_DIR/vulndb/lockyard.db)')
    .option('--scanners <list>', `what to look for: ${SCANNERS.join(',')}`, 'vuln,secret')
    .option('--severity <list>', 'report only these severities (e.g. CRITICAL,HIGH)')
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fixed version yet')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains')
    .option(
      '--exit-code <code>',
      "exit with this code when a reported finding remains (Trivy's flag; with --fail-on, the code its gate exits with)",
    )
    .option('--ignorefile <file>', 'ignore file (default: ./.lockyardignore when present)')
    .option(
      '--vex <file...>',
      'OpenVEX documents whose not_affected / fixed statements suppress findings',
    )
    .option(
      '--include-os-owned',
      'also match language packages installed by OS packages against language advisories',
    )
    .option('--max-db-age <duration>', 'warn when the database is older than this', '7d')
    .option('--require-fresh-db', 'fail (exit 2) instead of warning when the database is too old')
    .option(
      '--max-image-age <days>',
      'image check LY-IMG-011: image older than this many days',
      '365',
    )
    .option('--list-all-pkgs', 'include every scanned package in JSON output');
  addImageOptions(command);
  command.action(async (target: string, flags: ScanFlags, cmd: Command) => {
    const quiet = Boolean(cmd.optsWithGlobals()['quiet']);
    const [{ scanFormats }, { runScan }] = await Promise.all([
      import('../../report/index.js'),
      import('../../scan/index.js'),
    ]);
    const render = scanFormats.get(flags.format)?.renderScan;
    if (!render) throw new Error(`format ${flags.format} cannot render a scan`);
    const severities = flags.severity
      ? parseList<Severity>(flags.severity, SEVERITIES, '--severity', true)
      : undefined;
    const exitCode = flags.exitCode === undefined ? undefined : parseExitCode(flags.exitCode);
    // `--exit-code` alone gates on every reported finding, as in Trivy.
    const failOn = flags.failOn
      ? parseList<Severity>(flags.failOn, SEVERITIES, '--fail-on', true)[0]
      : exitCode
        ? 'UNKNOWN'
        : undefined;
    const maxImageAgeDays = Number(flags.maxImageAge);
    if (!Number.isInteger(maxImageAgeDays) || maxImageAgeDays < 0)
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `--max-image-age: "${flags.maxImageAge}" is not a number of days`,
      );
    const resolved = await resolveImageFlags(target, flags, context);
    const ignoreFile =
      flags.ignorefile ?? (existsSync('.lockyardignore') ? '.lockyardignore' : undefined);
    const progress = createCatalogProgress(context.stderr, !quiet);
    let report: ScanReport;
    try {
      report = await runScan(target, {
        ...resolved,
        registry: { ...resolved.registry, onProgress: progress.onDownload },
        dbPath: flags.db,
        scanners: parseList<Scanner>(flags.scanners, SCANNERS, '--scanners'),
        severities,
        ignoreUnfixed: flags.ignoreUnfixed,
        failOn,
        ignoreFile,
        vex: flags.vex,
        includeOsOwned: flags.includeOsOwned,
        maxDbAgeMs: parseDuration(flags.maxDbAge, '--max-db-age'),
        requireFreshDb: flags.requireFreshDb,
        maxImageAgeDays,
        onProgress: progress.onProgress,
      });
    } finally {
      progress.done();
    }
    for (const warning of report.warnings) context.logger.warn(warning);
    if (report.artifact.type === 'image') {
      const mismatch = await platformMismatch(
        target,
        resolved.platform,
        report.artifact.image.platform,
      );
      if (mismatch) context.logger.warn(mismatch);
    }
    const shown =
      flags.format === 'json' && !flags.listAllPkgs ? { ...report, packages: [] } : report;
    await writeOutput(
      context,
      flags.output,
      render(shown, { toolName: 'lockyard', toolVersion: VERSION, now: new Date() }),
    );
    if (!report.gate.passed && exitCode !== 0) {
      if (flags.format !== 'table' || flags.output) {
        const rule = flags.failOn
          ? `--fail-on ${report.gate.failOn ?? ''}`
          : `--exit-code ${String(exitCode)}`;
        context.stderr.write(
          `lockyard: gate failed (${rule}): ${report.gate.failures.slice(0, 5).join('; ')}${report.gate.failures.length > 5 ? '; …' : ''}\n`,
        );
      }
      context.exitCode = exitCode ?? ExitCode.gateFailed;
    }
  });
  return command;
}

/** 0 (never fail), 1, or 3-125: 2 means "could not scan" and above 125 the shell reserves. */
function parseExitCode(value: string): number {
  const code = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(code >= 0 && code <= 125) || code === ExitCode.error)
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `--exit-code: "${value}" is not usable: give 0, 1 or 3-125 (2 means the scan could not run)`,
    );
  return code;
}
