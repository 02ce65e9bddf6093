import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sharedFixture, useTempDir } from '../../../testing/index.js';
import type { AffectedPackage } from '../../model.js';
import { python, RecordingSink, runAdvisorySourceContract } from '../../testing/index.js';
import { alpineSecdbSource } from './index.js';
import { parseSecfixLine } from './parse-ids.js';

const secdb = sharedFixture('vulndb', 'alpine-secdb.tar.gz');

runAdvisorySourceContract(alpineSecdbSource, { realInput: secdb, garbageName: '.json' });

describe('parseSecfixLine', () => {
  it.each([
    ['CVE-2021-30473', [{ id: 'CVE-2021-30473', aliases: [], related: [] }], undefined],
    [
      'CVE-2016-6258 XSA-182',
      [{ id: 'CVE-2016-6258', aliases: ['XSA-182'], related: [] }],
      undefined,
    ],
    [
      'CVE-2020-11740 CVE-2020-11741 XSA-313',
      [
        { id: 'CVE-2020-11740', aliases: [], related: ['XSA-313'] },
        { id: 'CVE-2020-11741', aliases: [], related: ['XSA-313'] },
      ],
      undefined,
    ],
    ['XSA-207', [{ id: 'XSA-207', aliases: [], related: [] }], undefined],
    ['CVE-2017-17434-1', [{ id: 'CVE-2017-17434', aliases: [], related: [] }], undefined],
    ['CVE-2021-35940.patch', [{ id: 'CVE-2021-35940', aliases: [], related: [] }], undefined],
    [
      'CVE-2020-11501 GNUTLS-SA-2020-03-31 CVE-2020-11501',
      [{ id: 'CVE-2020-11501', aliases: ['GNUTLS-SA-2020-03-31'], related: [] }],
      undefined,
    ],
    [
      'CVE-2020-14342 (not actually applicable)',
      [{ id: 'CVE-2020-14342', aliases: [], related: [] }],
      'not actually applicable',
    ],
    ['CVE-????-????? TS-2024-005', [{ id: 'TS-2024-005', aliases: [], related: [] }], undefined],
    ['CVE N/A ZBX-11023', [{ id: 'ZBX-11023', aliases: [], related: [] }], undefined],
  ])('%s', (line, ids, note) => {
    const parsed = parseSecfixLine(line);
    expect(parsed.ids).toEqual(ids);
    expect(parsed.note).toBe(note);
    expect(parsed.rejected).toEqual([]);
  });

  it('rejects tokens that look like CVE ids but are not', () => {
    expect(parseSecfixLine('CVE_2019-2426')).toEqual({ ids: [], rejected: ['CVE_2019-2426'] });
    expect(parseSecfixLine('CVE-46838')).toEqual({ ids: [], rejected: ['CVE-46838'] });
  });
});

describe('alpine-secdb source on the real secdb (v3.2 .. v3.21, edge)', () => {
  const sink = new RecordingSink();
  const entries = (id: string, ecosystem: string): AffectedPackage[] =>
    sink
      .byId(id)
      .flatMap((advisory) => advisory.affected.filter((entry) => entry.ecosystem === ecosystem));

  beforeAll(async () => {
    await alpineSecdbSource.import({ path: secdb }, sink);
  });

  it('emits one fragment per (release, package, CVE), as many as Python finds in the raw JSON', () => {
    const expected = python(
      z.number(),
      `
import json, re, sys, tarfile
seen = set()
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if not (m.isfile() and m.name.endswith('.json')):
            continue
        d = json.load(t.extractfile(m))
        for p in d['packages']:
            for version, lines in p['pkg']['secfixes'].items():
                for line in lines or []:
                    for cve in re.findall(r'CVE-\\d{4}-\\d{4,}', line):
                        seen.add((d['distroversion'], p['pkg']['name'], cve))
print(len(seen))`,
      secdb,
    );
    const cveEntries = sink.records.filter((r) => /^CVE-\d{4}-\d{4,}$/.test(r.advisory.id)).length;
    expect(cveEntries).toBe(expected);
    expect(sink.records.every((r) => r.fragment && r.advisory.affected.length === 1)).toBe(true);
    expect(sink.skipped).toEqual([]);
    expect(sink.invalid).toEqual([]);
  });

  it('reads a plain fix: aom CVE-2021-30473 fixed in 3.1.1-r0 on v3.19', () => {
    expect(entries('CVE-2021-30473', 'Alpine:v3.19')).toEqual([
      {
        ecosystem: 'Alpine:v3.19',
        name: 'aom',
        status: 'fixed',
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [
              { kind: 'introduced', version: '0' },
              { kind: 'fixed', version: '3.1.1-r0' },
            ],
          },
        ],
        versions: [],
        fixed: ['3.1.1-r0'],
        severity: [],
      },
    ]);
    expect(sink.byId('CVE-2021-30473')[0]?.url).toBe(
      'https://security.alpinelinux.org/vuln/CVE-2021-30473',
    );
  });

  it('reads version "0" as not affected: busybox CVE-2021-42373 on v3.19 has no range at all', () => {
    const [entry] = entries('CVE-2021-42373', 'Alpine:v3.19');
    expect(entry).toMatchObject({ name: 'busybox', status: 'not-affected', ranges: [], fixed: [] });
  });

  it('keeps both fixes of a CVE listed twice (chromium CVE-2022-2163 on edge) as two ranges', () => {
    const [entry] = entries('CVE-2022-2163', 'Alpine:edge');
    expect([...(entry?.fixed ?? [])].sort()).toEqual(['103.0.5060.134-r0', '103.0.5060.53-r0']);
    expect(entry?.ranges).toHaveLength(2);
  });

  it('keeps Xen advisory ids as aliases and remarks as notes', () => {
    expect(sink.byId('CVE-2016-6258')[0]?.aliases).toEqual(['XSA-182']);
    expect(sink.byId('XSA-207').length).toBeGreaterThan(0);
    expect(entries('CVE-2020-14342', 'Alpine:v3.11')[0]).toMatchObject({
      name: 'cifs-utils',
      status: 'fixed',
      note: 'not actually applicable',
    });
  });

  it('warns about ids that are not ids, naming file and field', () => {
    expect(sink.notes).toContainEqual({
      file: 'alpine-secdb.tar.gz:alpine/v3.19/main.json',
      field: 'linux-lts.secfixes.6.6.13-r0',
      reason: 'ignored malformed advisory id CVE-46838',
    });
  });
});

describe('alpine-secdb source on crafted input', () => {
  const dir = useTempDir('lockyard-alpine-');

  it('skips a malformed package with file and field, keeps the rest of the file', async () => {
    const path = join(dir, 'main.json');
    writeFileSync(
      path,
      JSON.stringify({
        distroversion: 'v3.20',
        reponame: 'main',
        packages: [
          { pkg: { name: 'ok', secfixes: { '1.0-r1': ['CVE-2024-0001'] } } },
          { pkg: { name: 'bad', secfixes: ['CVE-2024-0002'] } },
          { nopkg: true },
        ],
      }),
    );
    const sink = new RecordingSink();
    await alpineSecdbSource.import({ path }, sink);
    expect(sink.records.map((r) => [r.advisory.id, r.advisory.affected[0]?.ecosystem])).toEqual([
      ['CVE-2024-0001', 'Alpine:v3.20'],
    ]);
    expect(sink.skipped.map((s) => [s.file, s.field])).toEqual([
      ['main.json', 'packages.1.pkg.secfixes'],
      ['main.json', 'packages.2.pkg'],
    ]);
  });

  it('skips a file that is not a secdb document', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ hello: 'world' }));
    const sink = new RecordingSink();
    await alpineSecdbSource.import({ path }, sink);
    expect(sink.records).toEqual([]);
    expect(sink.skipped).toMatchObject([{ file: 'other.json', field: 'distroversion' }]);
  });
});
