import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sharedFixture, useTempDir } from '../../../testing/index.js';
import { python, RecordingSink, runAdvisorySourceContract } from '../../testing/index.js';
import { osvSource } from './index.js';

const fixture = (...parts: string[]): string => sharedFixture('vulndb', ...parts);

/** Counts records in a tar.gz of OSV files and reads a few raw ones, with Python's tarfile. */
const TAR_SCRIPT = `
import json, sys, tarfile
names = []
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if m.isfile() and m.name.endswith(sys.argv[2]):
            names.append(m.name)
print(json.dumps(len(names)))
`;

runAdvisorySourceContract(osvSource, { realInput: fixture('ghsa'), garbageName: '.json' });

describe('osv source on real feeds', () => {
  const go = new RecordingSink();
  const crates = new RecordingSink();
  const pypi = new RecordingSink();
  const ghsa = new RecordingSink();

  beforeAll(async () => {
    await osvSource.import({ path: fixture('osv-go.tar.gz') }, go);
    await osvSource.import({ path: fixture('osv-crates.tar.gz') }, crates);
    await osvSource.import({ path: fixture('osv-pypi-yaml.tar.gz') }, pypi);
    await osvSource.import({ path: fixture('ghsa') }, ghsa);
  });

  it('imports every record of each feed, counted independently by Python', () => {
    expect(go.records.length).toBe(
      python(z.number(), TAR_SCRIPT, fixture('osv-go.tar.gz'), '.json'),
    );
    expect(crates.records.length).toBe(
      python(z.number(), TAR_SCRIPT, fixture('osv-crates.tar.gz'), '.json'),
    );
    expect(pypi.records.length).toBe(
      python(z.number(), TAR_SCRIPT, fixture('osv-pypi-yaml.tar.gz'), '.yaml'),
    );
    expect(ghsa.records.length).toBe(35);
    for (const sink of [go, crates, pypi, ghsa]) {
      expect(sink.skipped).toEqual([]);
      expect(sink.invalid).toEqual([]);
      expect(sink.records.every((r) => !r.fragment)).toBe(true);
    }
  });

  it('reads GO-2022-0956 (gopkg.in/yaml.v2) with its SEMVER range and aliases', () => {
    const [record] = go.byId('GO-2022-0956');
    expect(record).toMatchObject({
      aliases: ['CVE-2022-3064', 'GHSA-6q6q-88xp-6f2r'],
      summary: 'Excessive resource consumption in gopkg.in/yaml.v2',
      url: 'https://pkg.go.dev/vuln/GO-2022-0956',
      published: '2022-08-29T22:15:46.000Z',
      affected: [
        {
          ecosystem: 'Go',
          name: 'gopkg.in/yaml.v2',
          status: 'fixed',
          fixed: ['2.2.4'],
          ranges: [
            {
              type: 'SEMVER',
              events: [
                { kind: 'introduced', version: '0' },
                { kind: 'fixed', version: '2.2.4' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('keeps all three log4j-core ranges of GHSA-jfh8-c2jp-5v3q (Log4Shell) and its GitHub severity', () => {
    const [record] = ghsa.byId('GHSA-jfh8-c2jp-5v3q');
    expect(record?.aliases).toEqual(['CVE-2021-44228']);
    expect(record?.url).toBe('https://github.com/advisories/GHSA-jfh8-c2jp-5v3q');
    expect(record?.severity).toEqual([
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
      { type: 'LABEL', score: 'CRITICAL', source: 'ghsa' },
    ]);
    expect(record?.cwes).toEqual(['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917']);
    const fixed = record?.affected.flatMap((a) => a.fixed).sort();
    expect(fixed).toEqual(['2.12.2', '2.15.0', '2.3.1']);
    expect(
      record?.affected.every(
        (a) => a.ecosystem === 'Maven' && a.name === 'org.apache.logging.log4j:log4j-core',
      ),
    ).toBe(true);
  });

  it('keeps CVSS v3 and v4 vectors as given (GHSA-qw6h-vgh9-j6wx, RUSTSEC-2024-0445)', () => {
    expect(ghsa.byId('GHSA-qw6h-vgh9-j6wx')[0]?.severity.filter((s) => s.type !== 'LABEL')).toEqual(
      [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L' },
        {
          type: 'CVSS_V4',
          score: 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L',
        },
      ],
    );
    expect(crates.byId('RUSTSEC-2024-0445')[0]?.severity).toEqual([
      { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N' },
    ]);
  });

  it('reads PyPI YAML: last_affected, explicit versions (quoted ones stay strings) and GIT ranges', () => {
    const [py] = pypi.byId('PYSEC-2022-42969');
    const entry = py?.affected[0];
    expect(entry?.status).toBe('affected');
    expect(entry?.fixed).toEqual([]);
    expect(entry?.ranges[0]?.events).toEqual([
      { kind: 'introduced', version: '0' },
      { kind: 'last_affected', version: '1.11.0' },
    ]);
    expect(entry?.versions.slice(0, 2)).toEqual(['0.8.0-alpha2', '0.9.0']);
    expect(pypi.byId('PYSEC-2023-73')[0]?.affected[0]?.versions).toContain('1.34');
    const git = pypi.records
      .flatMap((r) => r.advisory.affected.flatMap((a) => a.ranges))
      .filter((r) => r.type === 'GIT');
    expect(git.length).toBeGreaterThan(1000);
    expect(git.every((r) => r.repo !== undefined && r.repo.startsWith('http'))).toBe(true);
  });

  it('marks withdrawn records with their date', () => {
    const withdrawn = go.records.filter((r) => r.advisory.withdrawn !== undefined);
    expect(withdrawn.map((r) => r.advisory.id)).toContain('GO-2022-0617');
    expect(withdrawn.length).toBe(
      python(
        z.number(),
        `
import json, sys, tarfile
n = 0
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if m.isfile() and m.name.endswith('.json'):
            n += 'withdrawn' in json.load(t.extractfile(m))
print(n)`,
        fixture('osv-go.tar.gz'),
      ),
    );
  });
});

describe('osv source on crafted input', () => {
  const dir = useTempDir('lockyard-osv-');

  it('skips malformed records with a warning naming file and field, and keeps the good ones', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(tree, { recursive: true });
    const good = {
      id: 'TEST-1',
      modified: '2024-01-02T03:04:05Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
        },
      ],
    };
    writeFileSync(join(tree, 'good.json'), JSON.stringify(good));
    writeFileSync(join(tree, 'not-json.json'), '{ "id": ');
    writeFileSync(join(tree, 'no-modified.json'), JSON.stringify({ id: 'TEST-2' }));
    writeFileSync(
      join(tree, 'two-keys.json'),
      JSON.stringify({
        ...good,
        id: 'TEST-3',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }],
          },
        ],
      }),
    );
    writeFileSync(
      join(tree, 'bad-date.json'),
      JSON.stringify({ ...good, id: 'TEST-4', modified: 'yesterday' }),
    );
    writeFileSync(
      join(tree, 'bad-range.json'),
      JSON.stringify({
        ...good,
        id: 'TEST-5',
        affected: [
          { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'RANGE', events: [] }] },
        ],
      }),
    );
    writeFileSync(join(tree, 'README.md'), '# not a record');
    const sink = new RecordingSink();
    await osvSource.import({ path: tree }, sink);
    expect(sink.records.map((r) => r.advisory.id)).toEqual(['TEST-1']);
    expect(sink.skipped.map((s) => [s.file, s.field])).toEqual([
      ['bad-date.json', 'modified'],
      ['bad-range.json', 'affected.0.ranges.0.type'],
      ['no-modified.json', 'modified'],
      ['not-json.json', undefined],
      ['two-keys.json', 'affected.0.ranges.0.events.0'],
    ]);
    expect(sink.skipped.find((s) => s.file === 'not-json.json')?.reason).toMatch(
      /cannot decode JSON/,
    );
  });

  it('keeps unquoted YAML versions as written (1.10 is not the number 1.1)', async () => {
    const path = join(dir, 'TEST-YAML.yaml');
    writeFileSync(
      path,
      'id: TEST-YAML\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package: {ecosystem: PyPI, name: Django}\n  versions:\n  - 1.10\n  - 2.0\n',
    );
    const sink = new RecordingSink();
    await osvSource.import({ path }, sink);
    expect(sink.records[0]?.advisory.affected[0]?.versions).toEqual(['1.10', '2.0']);
    expect(sink.records[0]?.advisory.modified).toBe('2024-01-01T00:00:00.000Z');
  });

  it("reads an osv.dev all.zip (here: the GHSA npm records zipped by Python's zipfile)", async () => {
    const zip = join(dir, 'all.zip');
    execFileSync('python3', [
      '-m',
      'zipfile',
      '-c',
      zip,
      ...['GHSA-27h2-hvpr-p74q', 'GHSA-35jh-r3h4-6jhm'].map((id) =>
        fixture('ghsa', 'npm', `${id}.json`),
      ),
    ]);
    const sink = new RecordingSink();
    await osvSource.import({ path: zip }, sink);
    expect(sink.records.map((r) => [r.origin.file, r.advisory.id])).toEqual([
      ['all.zip:GHSA-27h2-hvpr-p74q.json', 'GHSA-27h2-hvpr-p74q'],
      ['all.zip:GHSA-35jh-r3h4-6jhm.json', 'GHSA-35jh-r3h4-6jhm'],
    ]);
  });

  it('reads a file holding a list of records', async () => {
    const path = join(dir, 'bundle.json');
    writeFileSync(
      path,
      JSON.stringify([{ id: 'A-1', modified: '2024-01-01T00:00:00Z' }, { id: 'A-2' }]),
    );
    const sink = new RecordingSink();
    await osvSource.import({ path }, sink);
    expect(sink.records.map((r) => r.advisory.id)).toEqual(['A-1']);
    expect(sink.skipped).toMatchObject([{ file: 'bundle.json[1]', field: 'modified' }]);
  });
});
