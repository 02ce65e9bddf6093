import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { bookwormOval, localFixture, useTempDir } from '../../../testing/index.js';
import { VulnDbError } from '../../errors.js';
import { python, RecordingSink, runAdvisorySourceContract } from '../../testing/index.js';
import { debianOvalSource } from './index.js';

const bookworm = bookwormOval();

/**
 * Reads the raw OVAL with Python's bz2 and a regex over each definition's title, class and the
 * criterion comment the generator writes ("glibc DPKG is earlier than 2.2-1"): an independent
 * path to the same facts Lockyard resolves through tests, objects and states.
 */
const RAW_SCRIPT = `
import bz2, json, re, sys
text = bz2.open(sys.argv[1], 'rt', encoding='utf-8').read()
out = []
for m in re.finditer(r'<definition id="[^"]*" version="1" class="([^"]*)">(.*?)</definition>', text, re.S):
    body = m.group(2)
    title = re.search(r'<title>([^<]*)</title>', body).group(1)
    dpkg = re.findall(r'comment="(\\S+) DPKG is earlier than ([^"]*)"', body)
    out.append([m.group(1), title.split()[0], dpkg])
print(json.dumps(out))
`;

// The contract imports twice; a verbatim excerpt of the real file keeps that fast.
runAdvisorySourceContract(debianOvalSource, {
  realInput: localFixture(import.meta.url, 'bookworm-excerpt.xml.bz2'),
  garbageName: '.xml',
});

describe('debian-oval source on Debian 12 (bookworm) OVAL', () => {
  const sink = new RecordingSink();
  let raw: [string, string, [string, string][]][] = [];

  beforeAll(async () => {
    await debianOvalSource.import({ path: bookworm }, sink);
    raw = python(
      z.array(z.tuple([z.string(), z.string(), z.array(z.tuple([z.string(), z.string()]))])),
      RAW_SCRIPT,
      bookworm,
    );
  }, 180_000);

  it('emits one fragment per CVE definition, each with the package and version the generator wrote', () => {
    const cves = raw.filter(([cls]) => cls === 'vulnerability');
    expect(cves.length).toBe(25906);
    const ours = new Map(
      sink.records
        .filter((r) => r.advisory.id.startsWith('CVE-'))
        .map((r) => {
          const entry = r.advisory.affected[0];
          return [`${r.advisory.id} ${entry?.name ?? ''}`, entry?.fixed[0] ?? '0'] as const;
        }),
    );
    expect(ours.size).toBe(cves.length);
    for (const [, id, dpkg] of cves) {
      for (const [name, version] of dpkg)
        expect(ours.get(`${id} ${name}`), `${id} ${name}`).toBe(version);
    }
    expect(
      sink.records.every(
        (r) => r.fragment && r.advisory.affected.every((a) => a.ecosystem === 'Debian:12'),
      ),
    ).toBe(true);
    expect(sink.skipped).toEqual([]);
    expect(sink.invalid).toEqual([]);
  });

  it('reads "earlier than 0" as affected with no fix (tar CVE-2005-2541, still open in Debian)', () => {
    const [record] = sink.byId('CVE-2005-2541');
    expect(record?.affected).toEqual([
      {
        ecosystem: 'Debian:12',
        name: 'tar',
        status: 'affected',
        ranges: [{ type: 'ECOSYSTEM', events: [{ kind: 'introduced', version: '0' }] }],
        versions: [],
        fixed: [],
        severity: [],
      },
    ]);
    const unfixed = sink.records.filter(
      (r) => r.advisory.affected[0]?.status === 'affected',
    ).length;
    expect(unfixed).toBe(
      raw.filter(([cls, , dpkg]) => cls === 'vulnerability' && dpkg.some(([, v]) => v === '0'))
        .length,
    );
  });

  it('strips the zero epoch the generator prepends and keeps real ones', () => {
    expect(sink.byId('CVE-1999-0199')[0]?.affected[0]).toMatchObject({
      name: 'glibc',
      status: 'fixed',
      fixed: ['2.2-1'],
    });
    const epochs = sink.records.filter((r) => r.advisory.affected[0]?.fixed[0]?.startsWith('1:'));
    expect(epochs.length).toBeGreaterThan(0);
    expect(sink.records.some((r) => r.advisory.affected[0]?.fixed[0]?.startsWith('0:'))).toBe(
      false,
    );
  });

  it('folds each DSA into the CVE definitions it repeats (DSA-5418-1 -> CVE-2023-2929 chromium)', () => {
    const dsas = raw.filter(([cls]) => cls === 'patch').map(([, id]) => id);
    expect(dsas).toContain('DSA-5418-1');
    const related = new Set(sink.records.flatMap((r) => r.advisory.related));
    const standalone = new Set(
      sink.records.filter((r) => r.advisory.id.startsWith('DSA-')).map((r) => r.advisory.id),
    );
    for (const dsa of dsas) expect(related.has(dsa) || standalone.has(dsa), dsa).toBe(true);
    const [cve] = sink.byId('CVE-2023-2929');
    expect(cve?.related).toEqual(expect.arrayContaining(['DSA-5418', 'DSA-5418-1']));
    expect(cve?.details).toMatch(/^Multiple security issues were discovered in Chromium/);
    expect(cve?.url).toBe('https://security-tracker.debian.org/tracker/CVE-2023-2929');
  });

  it("takes the feed's date from the generator timestamp", () => {
    expect(sink.feedDates).toEqual(['2023-07-14T07:39:10.188Z']);
  });
});

describe('debian-oval source on crafted input', () => {
  const dir = useTempDir('lockyard-oval-');
  const document = (definitions: string, tests: string): string => `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:linux-def="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">
  <definitions>${definitions}</definitions>
  <tests>${tests}
    <linux-def:dpkginfo_test id="t:1"><linux-def:object object_ref="o:1"/><linux-def:state state_ref="s:1"/></linux-def:dpkginfo_test>
  </tests>
  <objects><linux-def:dpkginfo_object id="o:1"><linux-def:name>bash</linux-def:name></linux-def:dpkginfo_object></objects>
  <states><linux-def:dpkginfo_state id="s:1"><linux-def:evr datatype="debian_evr_string" operation="less than">1:5.2-1</linux-def:evr></linux-def:dpkginfo_state></states>
</oval_definitions>`;
  const definition = (id: string, title: string, platform: string, ref: string): string => `
    <definition id="${id}" version="1" class="vulnerability"><metadata><title>${title}</title>
      <affected family="unix"><platform>${platform}</platform><product>bash</product></affected>
      <description>A &amp; B</description></metadata>
      <criteria><criterion test_ref="${ref}" comment="bash DPKG is earlier than 1:5.2-1"/></criteria></definition>`;

  it('reads prefixed elements, skips definitions it cannot resolve with file and field', async () => {
    const path = join(dir, 'crafted.xml');
    writeFileSync(
      path,
      document(
        definition('d:1', 'CVE-2024-1000 bash', 'Debian GNU/Linux 13', 't:1') +
          definition('d:2', 'CVE-2024-1001 bash', 'Some Other OS', 't:1') +
          definition('d:3', 'CVE-2024-1002 bash', 'Debian GNU/Linux 13', 't:404'),
        '',
      ),
    );
    const sink = new RecordingSink();
    await debianOvalSource.import({ path }, sink);
    expect(
      sink.records.map((r) => [
        r.advisory.id,
        r.advisory.details,
        r.advisory.affected[0]?.ecosystem,
        r.advisory.affected[0]?.fixed,
      ]),
    ).toEqual([['CVE-2024-1000', 'A & B', 'Debian:13', ['1:5.2-1']]]);
    expect(sink.skipped.map((s) => [s.file, s.field])).toEqual([
      ['crafted.xml', 'd:2.metadata.affected.platform'],
      ['crafted.xml', 'd:3.criteria'],
    ]);
    expect(sink.notes).toMatchObject([
      { field: 'd:3.criteria', reason: 'criterion refers to missing test t:404' },
    ]);
  });

  it('reads the release of each branch in older multi-release definitions (Debian 7.0 and 8.2)', async () => {
    const path = join(dir, 'multi.xml');
    writeFileSync(
      path,
      `<oval_definitions><definitions>
        <definition id="d:9" version="1" class="patch"><metadata><title>DSA-2919-1 mysql-5.5</title>
          <affected family="unix"><platform>Debian GNU/Linux 7.0</platform><platform>Debian GNU/Linux 8.2</platform><product>mysql-5.5</product></affected>
          <reference source="CVE" ref_id="CVE-2014-0384" ref_url="https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2014-0384"/>
          <description>security update</description><debian><date>2014-05-03</date><moreinfo>Several issues in MySQL.</moreinfo></debian></metadata>
          <criteria comment="Platform section" operator="OR">
            <criteria comment="Release section" operator="AND"><criterion comment="Debian 7.0 is installed" test_ref="t:r7"/>
              <criteria comment="Architecture section" operator="OR"><criteria comment="Architecture independent section" operator="AND">
                <criterion comment="all architecture" test_ref="t:a"/><criterion comment="mysql-5.5 DPKG is earlier than 5.5.37-0+wheezy1" test_ref="t:7"/></criteria></criteria></criteria>
            <criteria comment="Release section" operator="AND"><criterion comment="Debian 8.2 is installed" test_ref="t:r8"/>
              <criteria comment="Architecture section" operator="OR"><criteria comment="Architecture independent section" operator="AND">
                <criterion comment="all architecture" test_ref="t:a"/><criterion comment="mysql-5.5 DPKG is earlier than 5.5.37-1" test_ref="t:8"/></criteria></criteria></criteria>
          </criteria></definition>
      </definitions><tests>
        <dpkginfo_test id="t:7"><object object_ref="o:m"/><state state_ref="s:7"/></dpkginfo_test>
        <dpkginfo_test id="t:8"><object object_ref="o:m"/><state state_ref="s:8"/></dpkginfo_test>
        <textfilecontent54_test id="t:r7"/><textfilecontent54_test id="t:r8"/><uname_test id="t:a"/>
      </tests><objects><dpkginfo_object id="o:m"><name>mysql-5.5</name></dpkginfo_object></objects>
      <states><dpkginfo_state id="s:7"><evr operation="less than">0:5.5.37-0+wheezy1</evr></dpkginfo_state>
        <dpkginfo_state id="s:8"><evr operation="less than">0:5.5.37-1</evr></dpkginfo_state></states></oval_definitions>`,
    );
    const sink = new RecordingSink();
    await debianOvalSource.import({ path }, sink);
    expect(sink.skipped).toEqual([]);
    expect(sink.records.map((r) => r.advisory)).toMatchObject([
      {
        id: 'DSA-2919-1',
        related: ['CVE-2014-0384'],
        details: 'Several issues in MySQL.',
        published: '2014-05-03T00:00:00.000Z',
        affected: [
          {
            ecosystem: 'Debian:7',
            name: 'mysql-5.5',
            status: 'fixed',
            fixed: ['5.5.37-0+wheezy1'],
          },
          { ecosystem: 'Debian:8', name: 'mysql-5.5', status: 'fixed', fixed: ['5.5.37-1'] },
        ],
      },
    ]);
  });

  it('rejects XML that is not well formed with a VulnDbError naming the file', async () => {
    const path = join(dir, 'broken.xml');
    writeFileSync(
      path,
      document(definition('d:1', 'CVE-2024-1000 bash', 'Debian GNU/Linux 13', 't:1'), '').replace(
        '</definitions>',
        '</definition>',
      ),
    );
    const error = await debianOvalSource
      .import({ path }, new RecordingSink())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VulnDbError);
    expect((error as VulnDbError).code).toBe('INPUT_INVALID');
    expect((error as VulnDbError).message).toMatch(/^cannot read OVAL file broken\.xml: /);
  });
});
