import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvDraft04Module from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { repoRoot, runCli, sharedFixture, useTempDir } from '../../testing/index.js';
import { buildVulnDb } from '../../vulndb/index.js';

const dir = useTempDir();
const alpineImage = join(repoRoot, 'examples', 'alpine-3.10.tar.gz');
const nodeImage = join(dir, 'node-app');
const db = join(dir, 'vuln.db');
const common = ['--db', db, '--data-dir', join(dir, 'data'), '--quiet'];

beforeAll(async () => {
  await buildVulnDb({
    inputs: [
      { kind: 'alpine-secdb', path: sharedFixture('vulndb', 'alpine-secdb.tar.gz') },
      { kind: 'osv', path: sharedFixture('vulndb', 'ghsa', 'npm') },
    ],
    output: db,
  });
  // The same data, built (as far as the file says) years ago: stale for --require-fresh-db.
  await buildVulnDb({
    inputs: [
      { kind: 'alpine-secdb', path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb') },
    ],
    output: join(dir, 'stale.db'),
    now: () => new Date('2020-01-01T00:00:00Z'),
  });
  // A Node.js app image with lodash 4.17.15 and minimist 1.2.5 installed: both have GHSA advisories
  // with CVSS 3.1 vectors (GHSA-35jh-r3h4-6jhm HIGH 7.2, GHSA-p6mc-m468-83gw HIGH 7.4, GHSA-xvch-5gv4-984h CRITICAL 9.8).
  await writeOciLayout(nodeImage, {
    layers: [
      {
        kind: 'entries',
        entries: [
          {
            name: 'app/package.json',
            content: JSON.stringify({
              name: 'app',
              version: '1.0.0',
              dependencies: { lodash: '4.17.15', minimist: '1.2.5' },
            }),
          },
          {
            name: 'app/node_modules/lodash/package.json',
            content: JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }),
          },
          {
            name: 'app/node_modules/minimist/package.json',
            content: JSON.stringify({ name: 'minimist', version: '1.2.5', license: 'MIT' }),
          },
        ],
      },
    ],
  });
}, 180_000);

describe('lockyard scan', () => {
  /** `lockyard scan` of the node image with the gate at HIGH, plus more arguments. */
  const scanGated = (...more: string[]) =>
    runCli(['scan', nodeImage, ...common, '--fail-on', 'HIGH', ...more]);

  it('scans the shipped Alpine image and lists its OS vulnerabilities by target', async () => {
    const result = await runCli(['scan', alpineImage, ...common]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(alpine 3.10.4, end of life since 2021-05-01)');
    expect(result.stdout).toMatch(
      /musl\s+CVE-2020-28928\s+UNKNOWN\s+fixed\s+1\.1\.22-r3\s+1\.1\.22-r4/,
    );
    expect(result.stdout).toMatch(/^Vulnerabilities: \d+ \(/m);
  });

  it('fails the gate with exit 1 on a CRITICAL finding, and never with an error code', async () => {
    const result = await scanGated();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/minimist\s+CVE-2021-44906\s+CRITICAL/);
    expect(result.stdout).toMatch(/Gate: FAILED \(--fail-on HIGH\)/);
  });

  it('--skip-dirs leaves a folder out of the scan, and with it its findings and the gate', async () => {
    const result = await scanGated('--skip-dirs', 'app/node_modules/minimist');
    expect(result.stdout).not.toMatch(/minimist/);
    expect(result.stdout).toMatch(/lodash\s+CVE-/);
    // lodash's advisories are HIGH: the gate still fails, on them alone.
    expect(result.code).toBe(1);
    const none = await scanGated('--skip-dirs', 'app');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/packages scanned: 0/);
  });

  it('passes the gate when an ignore file suppresses the findings, and counts them', async () => {
    const ignore = join(dir, 'ignore.yaml');
    await writeFile(
      ignore,
      [
        'ignore:',
        '  - id: CVE-2021-44906',
        '    package: minimist',
        '    reason: CLI parsing of trusted input only',
        '    expires: 2099-01-01',
        '  - id: CVE-2021-23337',
        '    reason: template() never used',
        '  - id: CVE-2020-8203',
        '    reason: not reachable',
        '  - id: CVE-2019-10744',
        '    reason: expired',
        '    expires: 2020-01-01',
      ].join('\n'),
    );
    const result = await scanGated('--ignorefile', ignore, '--format', 'json');
    const report = JSON.parse(result.stdout) as {
      gate: { passed: boolean; failures: string[] };
      summary: { suppressed: number };
      warnings: string[];
    };
    expect(report.summary.suppressed).toBe(3);
    // The expired entry is reported, not applied: CVE-2019-10744 (CRITICAL in lodash < 4.17.12) does not affect 4.17.15 anyway.
    expect(report.warnings.some((w) => w.includes('CVE-2019-10744 expired on 2020-01-01'))).toBe(
      true,
    );
    expect(report.gate).toMatchObject({ passed: true, failures: [] });
    expect(result.code).toBe(0);
  });

  it('honours OpenVEX not_affected statements in the gate', async () => {
    const vex = join(dir, 'app.vex.json');
    await writeFile(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/1',
        author: 'test',
        timestamp: '2026-01-01T00:00:00Z',
        version: 1,
        statements: ['CVE-2021-44906', 'CVE-2021-23337', 'CVE-2020-8203'].map((id) => ({
          vulnerability: { name: id },
          products: [
            {
              '@id': 'pkg:oci/node-app',
              subcomponents: [
                {
                  '@id':
                    id === 'CVE-2021-44906' ? 'pkg:npm/minimist@1.2.5' : 'pkg:npm/lodash@4.17.15',
                },
              ],
            },
          ],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        })),
      }),
    );
    const result = await scanGated('--vex', vex);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/minimist\s+CVE-2021-44906\s+CRITICAL\s+suppressed \(vex\)/);
  });

  it('writes SARIF valid against the SARIF 2.1.0 schema', async () => {
    const out = join(dir, 'report.sarif');
    const result = await runCli(['scan', nodeImage, ...common, '-f', 'sarif', '-o', out]);
    expect(result.code).toBe(0);
    const schema = JSON.parse(
      await readFile(
        join(
          repoRoot,
          'node_modules',
          '@microsoft',
          'jest-sarif',
          'lib',
          'schemas',
          'sarif-2.1.0-rtm.5.json',
        ),
        'utf8',
      ),
    ) as object;
    const ajv = new AjvDraft04Module.default({
      strict: false,
      allErrors: true,
      unicodeRegExp: false,
    });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(await readFile(out, 'utf8')) as {
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs[0]?.results.find((r) => r.ruleId === 'CVE-2021-44906')?.level).toBe('error');
  });

  it('writes CycloneDX with vulnerabilities, valid against the CycloneDX 1.6 schema', async () => {
    const result = await runCli(['scan', nodeImage, ...common, '-f', 'cyclonedx']);
    expect(result.code).toBe(0);
    expect(
      await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(result.stdout),
    ).toBeNull();
    const bom = JSON.parse(result.stdout) as {
      vulnerabilities: { id: string; affects: { ref: string }[] }[];
    };
    expect(bom.vulnerabilities.map((v) => v.id)).toContain('CVE-2021-44906');
    expect(bom.vulnerabilities.every((v) => v.affects.length === 1)).toBe(true);
  });

  it('scans an SBOM file without any image, with the same findings', async () => {
    const sbom = join(dir, 'app.cdx.json');
    expect(
      (await runCli(['sbom', nodeImage, '-f', 'cyclonedx', '-o', sbom, '--quiet', '--no-cache']))
        .code,
    ).toBe(0);
    const fromImage = JSON.parse(
      (await runCli(['scan', nodeImage, ...common, '-f', 'json'])).stdout,
    ) as { vulnerabilities: { id: string }[] };
    const fromSbom = JSON.parse((await runCli(['scan', sbom, ...common, '-f', 'json'])).stdout) as {
      vulnerabilities: { id: string }[];
    };
    expect(fromSbom.vulnerabilities.map((v) => v.id).sort()).toEqual(
      fromImage.vulnerabilities.map((v) => v.id).sort(),
    );
  });

  it('only warns, in days, about a database older than --max-db-age without --require-fresh-db', async () => {
    const result = await runCli([
      'scan',
      nodeImage,
      '--db',
      join(dir, 'stale.db'),
      '--data-dir',
      join(dir, 'data'),
      '--max-db-age',
      '1d',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /stale\.db was built \d{4} days ago; older than the allowed 1 day: run 'lockyard db update'/,
    );
  });

  it.each([
    [['--severity', 'SEVERE'], /--severity: unknown value "SEVERE"/],
    [['--db', join(dir, 'none.db')], /no vulnerability database at/],
    [['--scanners', 'vuln,viruses'], /--scanners: unknown value "viruses"/],
    [
      ['--max-db-age', '1d', '--require-fresh-db', '--db', join(dir, 'stale.db')],
      /stale\.db was built \d+\.\d days ago .*older than the allowed 1\.0 days/,
    ],
    [['--max-db-age', '7'], /--max-db-age: invalid duration "7"/],
  ])('%j is an error: one line, exit 2', async (extra, message) => {
    const result = await runCli(['scan', nodeImage, ...common, ...extra]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
