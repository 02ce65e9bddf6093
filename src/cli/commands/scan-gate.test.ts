import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { runCli, sharedFixture, useTempDir, bookwormOval } from '../../testing/index.js';
import { buildVulnDb } from '../../vulndb/index.js';
import { debian12Layer } from '../testing/debian-12-layer.js';

// The CI gate's filters and suppressions on a real Debian 12 image (dpkg records from a bookworm
// machine, matched against Debian's bookworm OVAL, which has both fixed and still-unfixed entries)
// plus a Node.js app (GHSA advisories, all fixed) in a second layer.
const dir = useTempDir();
const image = join(dir, 'debian-app');
const db = join(dir, 'vuln.db');
const common = ['--db', db, '--data-dir', join(dir, 'data'), '--quiet', '-f', 'json'];

interface Report {
  vulnerabilities: {
    id: string;
    severity: string;
    status: string;
    package: { name: string; locations: { path: string }[] };
    suppressed?: { by: string };
  }[];
  misconfigurations: { ruleId: string; message: string }[];
  summary: { filtered: number; suppressed: number };
  gate: { passed: boolean; failures: string[] };
  warnings: string[];
}

async function scan(extra: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await runCli(['scan', image, ...common, ...extra]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return {
    code: result.code,
    report: (result.code === 2 ? {} : JSON.parse(result.stdout)) as Report,
    stderr: result.stderr,
  };
}

const npmEntry = (path: string, name: string, version: string) => ({
  name: `${path}/node_modules/${name}/package.json`,
  content: JSON.stringify({ name, version, license: 'MIT' }),
});

beforeAll(async () => {
  await buildVulnDb({
    inputs: [
      {
        kind: 'debian-oval',
        path: bookwormOval(),
      },
      { kind: 'osv', path: sharedFixture('vulndb', 'ghsa', 'npm') },
    ],
    output: db,
  });
  await writeOciLayout(image, {
    layers: [
      await debian12Layer(),
      {
        kind: 'entries',
        entries: [
          {
            name: 'app/package.json',
            content: JSON.stringify({ name: 'app', version: '1.0.0' }),
          },
          npmEntry('app', 'minimist', '1.2.5'),
          npmEntry('app', 'lodash', '4.17.15'),
          // The same minimist in a second app: a path-scoped ignore entry covers only one of them.
          { name: 'tools/package.json', content: JSON.stringify({ name: 'tools' }) },
          npmEntry('tools', 'minimist', '1.2.5'),
        ],
      },
    ],
  });
}, 240_000);

describe('lockyard scan: filters', () => {
  it('--ignore-unfixed leaves out the distro findings without a fix, in the report and the gate', async () => {
    const all = await scan([]);
    const unfixed = all.report.vulnerabilities.filter((v) => v.status !== 'fixed');
    // glibc, openssl, sqlite3 and tar have CVEs Debian had not fixed in bookworm on 2023-07-14.
    expect(new Set(unfixed.map((v) => v.package.name))).toEqual(
      new Set(['libc6', 'libssl3', 'libsqlite3-0', 'tar']),
    );
    const fixed = all.report.vulnerabilities.filter((v) => v.status === 'fixed');
    expect(fixed.length).toBeGreaterThan(0);

    const kept = await scan(['--ignore-unfixed']);
    expect(kept.report.vulnerabilities.map((v) => `${v.id} ${v.package.name}`).sort()).toEqual(
      fixed.map((v) => `${v.id} ${v.package.name}`).sort(),
    );
    expect(kept.report.summary.filtered).toBe(unfixed.length);

    // The gate sees only what is reported: unfixed findings fail it without the flag, not with it.
    const unfixedLabels = unfixed.map((v) => `${v.id} in ${v.package.name} `);
    const failsOn = (failures: string[]): boolean =>
      failures.some((f) => unfixedLabels.some((label) => f.startsWith(label)));
    const gated = await scan(['--fail-on', 'UNKNOWN']);
    expect(gated.code).toBe(1);
    expect(failsOn(gated.report.gate.failures)).toBe(true);
    const gatedFixedOnly = await scan(['--fail-on', 'UNKNOWN', '--ignore-unfixed']);
    expect(failsOn(gatedFixedOnly.report.gate.failures)).toBe(false);
    expect(gatedFixedOnly.report.gate.failures).toHaveLength(fixed.length);
  });

  it('--severity reports and gates only the named severities', async () => {
    const all = await scan([]);
    expect(all.report.vulnerabilities.some((v) => v.severity === 'CRITICAL')).toBe(true);
    expect(all.report.vulnerabilities.some((v) => v.severity === 'HIGH')).toBe(true);

    const critical = await scan(['--severity', 'critical', '--fail-on', 'HIGH']);
    expect(critical.report.vulnerabilities.length).toBeGreaterThan(0);
    expect(critical.report.vulnerabilities.every((v) => v.severity === 'CRITICAL')).toBe(true);
    expect(critical.report.summary.filtered).toBe(
      all.report.vulnerabilities.length - critical.report.vulnerabilities.length,
    );
    expect(critical.code).toBe(1);

    // HIGH and CRITICAL findings exist, but are not reported, so they cannot fail the gate.
    const lower = await scan(['--severity', 'MEDIUM,LOW,UNKNOWN', '--fail-on', 'HIGH']);
    expect(
      lower.report.vulnerabilities.every((v) => !['HIGH', 'CRITICAL'].includes(v.severity)),
    ).toBe(true);
    expect(lower.report.gate).toMatchObject({ passed: true, failures: [] });
    expect(lower.code).toBe(0);
  });

  it("--exit-code (Trivy's flag) fails on any reported finding, with the code given", async () => {
    const all = await scan([]);
    const any = await scan(['--exit-code', '3']);
    expect(any.code).toBe(3);
    expect(any.report.gate.failures).toHaveLength(all.report.vulnerabilities.length);
    expect(any.stderr).toMatch(/gate failed \(--exit-code 3\)/);
    // With --fail-on it sets the code of that gate; reported findings below it do not fail.
    expect((await scan(['--exit-code', '4', '--fail-on', 'CRITICAL'])).code).toBe(4);
    const lower = await scan([
      '--severity',
      'MEDIUM,LOW,UNKNOWN',
      '--exit-code',
      '4',
      '--fail-on',
      'HIGH',
    ]);
    expect(lower.report.vulnerabilities.length).toBeGreaterThan(0);
    expect(lower.code).toBe(0);
    // 0 reports without failing; 2 is refused, it means "could not scan".
    expect((await scan(['--exit-code', '0', '--fail-on', 'LOW'])).code).toBe(0);
    const two = await scan(['--exit-code', '2']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--exit-code: "2" is not usable/);
  });
});

describe('lockyard scan: ignore file', () => {
  it('a path entry suppresses the finding only where its glob matches', async () => {
    const ignore = join(dir, 'path.yaml');
    await writeFile(
      ignore,
      [
        'ignore:',
        '  - id: CVE-2021-44906',
        '    path: tools/**',
        '    reason: the tools image only parses its own arguments',
      ].join('\n'),
    );
    const { report } = await scan(['--ignorefile', ignore]);
    const minimist = report.vulnerabilities.filter((v) => v.id === 'CVE-2021-44906');
    const byPath: Record<string, string> = Object.fromEntries(
      minimist.map((v): [string, string] => [
        v.package.locations[0]?.path ?? '',
        v.suppressed?.by ?? 'reported',
      ]),
    );
    expect(byPath).toEqual({
      'tools/node_modules/minimist/package.json': 'ignore-file',
      'app/node_modules/minimist/package.json': 'reported',
    });
    expect(report.summary.suppressed).toBe(1);
  });

  it('an expired entry is reported as a warning and suppresses nothing: the gate still fails', async () => {
    const ignore = join(dir, 'expired.yaml');
    await writeFile(
      ignore,
      ['- id: CVE-2021-44906', '  reason: waiting for the upgrade', '  expires: 2021-06-30'].join(
        '\n',
      ),
    );
    const { code, report } = await scan(['--ignorefile', ignore, '--fail-on', 'CRITICAL']);
    expect(report.warnings).toContain(
      `${ignore}: ignore entry for CVE-2021-44906 expired on 2021-06-30 and is not applied (waiting for the upgrade)`,
    );
    expect(report.vulnerabilities.filter((v) => v.id === 'CVE-2021-44906')).toHaveLength(2);
    expect(report.vulnerabilities.some((v) => v.suppressed)).toBe(false);
    expect(report.summary.suppressed).toBe(0);
    expect(report.gate.failures.some((f) => f.startsWith('CVE-2021-44906 in minimist'))).toBe(true);
    expect(code).toBe(1);
  });

  it.each([
    ['an entry without a reason', '- id: CVE-2021-44906\n', /: 0\.reason: /],
    ['an empty id', 'ignore:\n  - id: ""\n    reason: x\n', /: ignore\.0\.id: must not be empty/],
    [
      'a bad expiry',
      '- id: X\n  reason: y\n  expires: someday\n',
      /: 0\.expires: "someday" is not a date/,
    ],
    ['a misspelt top-level key', 'ignores:\n  - id: X\n    reason: y\n', /: \(root\): .*ignores/],
    ['broken YAML', 'ignore: [\n', /\.yaml: .*flow/i],
  ])(
    '%s stops the scan: exit 2, one line naming the file and field',
    async (_why, text, message) => {
      const ignore = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(ignore, text);
      const result = await runCli([
        'scan',
        image,
        ...common,
        '--ignorefile',
        ignore,
        '--fail-on',
        'CRITICAL',
      ]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`lockyard: error: ${ignore}: `);
      expect(lines[0]).toMatch(message);
    },
  );
});

describe('lockyard scan: database age', () => {
  it('warns in words when the database is older than --max-db-age, and the exit code is unaffected', async () => {
    const result = await runCli([
      'scan',
      image,
      '--db',
      db,
      '--data-dir',
      join(dir, 'data'),
      '-f',
      'json',
      '--max-db-age',
      '1s',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const warning = report.warnings.find((w) => w.includes('vulnerability database'));
    expect(warning).toMatch(
      /^vulnerability database .*vuln\.db was built \d+(\.\d)? (seconds|minutes?) ago; older than the allowed 1 second: run 'lockyard db update'$/,
    );
    expect(result.stderr).toContain(warning);
  });
});
