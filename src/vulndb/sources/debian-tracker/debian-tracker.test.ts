import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { localFixture, useTempDir } from '../../../testing/index.js';
import { VulnDbError } from '../../errors.js';
import type { AffectedPackage } from '../../model.js';
import { RecordingSink, runAdvisorySourceContract } from '../../testing/index.js';
import { debianTrackerSource } from './index.js';

// A hand-written sample in the dump's real structure (see __fixtures__/LICENSE.md): the shared
// fixtures hold no copy of the tracker dump.
const sample = localFixture(import.meta.url, 'tracker-sample.json');

runAdvisorySourceContract(debianTrackerSource, { realInput: sample, garbageName: '.json' });

describe('debian-tracker source on a sample of the tracker JSON', () => {
  const sink = new RecordingSink();
  const release = (id: string, ecosystem: string): AffectedPackage | undefined =>
    sink.byId(id)[0]?.affected.find((entry) => entry.ecosystem === ecosystem);

  beforeAll(async () => {
    await debianTrackerSource.import({ path: sample }, sink);
  });

  it('emits one fragment per (package, issue) with one entry per release', () => {
    const raw = JSON.parse(readFileSync(sample, 'utf8')) as Record<
      string,
      Record<string, { releases: Record<string, unknown> }>
    >;
    const expected = Object.entries(raw).flatMap(([pkg, issues]) =>
      Object.entries(issues).map(([id, issue]) => [pkg, id, Object.keys(issue.releases).length]),
    );
    expect(
      sink.records.map((r) => [
        r.advisory.affected[0]?.name,
        r.advisory.id,
        r.advisory.affected.length,
      ]),
    ).toEqual(expected);
    expect(sink.records.every((r) => r.fragment)).toBe(true);
    expect(sink.skipped).toEqual([]);
    expect(sink.invalid).toEqual([]);
  });

  it('maps code names to OSV ecosystems: bookworm -> Debian:12, sid -> Debian:sid', () => {
    expect(sink.byId('CVE-2023-4911')[0]?.affected.map((a) => a.ecosystem)).toEqual([
      'Debian:12',
      'Debian:11',
      'Debian:sid',
      'Debian:13',
    ]);
  });

  it('reads resolved with a version as fixed and resolved "0" as not affected', () => {
    expect(release('CVE-2023-4911', 'Debian:12')).toMatchObject({
      name: 'glibc',
      status: 'fixed',
      fixed: ['2.36-9+deb12u3'],
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [
            { kind: 'introduced', version: '0' },
            { kind: 'fixed', version: '2.36-9+deb12u3' },
          ],
        },
      ],
    });
    expect(release('CVE-2023-4911', 'Debian:11')).toMatchObject({
      status: 'not-affected',
      ranges: [],
      fixed: [],
    });
  });

  it('reads open as affected, with the urgency as a Debian severity', () => {
    expect(release('CVE-2005-2541', 'Debian:12')).toMatchObject({
      name: 'tar',
      status: 'affected',
      ranges: [{ type: 'ECOSYSTEM', events: [{ kind: 'introduced', version: '0' }] }],
      severity: [{ type: 'LABEL', score: 'unimportant', source: 'debian' }],
    });
    expect(release('TEMP-0290435-0B57B5', 'Debian:12')?.status).toBe('affected');
  });

  it('reads nodsa "ignored" as will-not-fix and "postponed" as affected with a note', () => {
    expect(release('CVE-2023-52485', 'Debian:11')).toMatchObject({
      name: 'linux',
      status: 'will-not-fix',
      note: 'Minor issue; no DSA: ignored',
    });
    expect(release('CVE-2024-4741', 'Debian:11')).toMatchObject({
      status: 'affected',
      note: 'Minor issue; no DSA: postponed; fix planned for the next point release',
    });
  });

  it('reads urgency "end-of-life" as end-of-life and strips the * marks of derived urgencies', () => {
    expect(release('CVE-2023-5217', 'Debian:11')).toMatchObject({
      name: 'chromium',
      status: 'end-of-life',
      severity: [],
    });
    expect(release('CVE-2023-5217', 'Debian:12')?.severity).toEqual([
      { type: 'LABEL', score: 'high', source: 'debian' },
    ]);
    expect(release('CVE-2024-2398', 'Debian:12')).toMatchObject({
      status: 'affected',
      severity: [{ score: 'medium' }],
    });
    expect(release('CVE-2024-2398', 'Debian:12')?.note).toMatch(/^undetermined/);
  });

  it('keeps the description as summary, the bug as a reference and the tracker page as url', () => {
    expect(sink.byId('CVE-2023-4911')[0]).toMatchObject({
      summary: 'buffer overflow in ld.so leading to privilege escalation',
      references: [{ type: 'REPORT', url: 'https://bugs.debian.org/1053176' }],
      url: 'https://security-tracker.debian.org/tracker/CVE-2023-4911',
    });
  });
});

describe('debian-tracker source on crafted input', () => {
  const dir = useTempDir('lockyard-tracker-');

  it('reads a gzip-compressed dump the same as the plain one', async () => {
    const path = join(dir, 'json.gz');
    writeFileSync(path, gzipSync(readFileSync(sample)));
    const plain = new RecordingSink();
    const gzipped = new RecordingSink();
    await debianTrackerSource.import({ path: sample }, plain);
    await debianTrackerSource.import({ path }, gzipped);
    expect(gzipped.records.map((r) => r.advisory)).toEqual(plain.records.map((r) => r.advisory));
  });

  it('skips malformed issues with file and field, and unknown releases are kept with a note', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({
        ok: { 'CVE-2024-0001': { releases: { bookworm: { status: 'open' } } } },
        badstatus: { 'CVE-2024-0002': { releases: { bookworm: { status: 'maybe' } } } },
        nofix: { 'CVE-2024-0003': { releases: { bookworm: { status: 'resolved' } } } },
        notid: { 'not an id': { releases: {} } },
        notobject: [1, 2],
        future: { 'CVE-2024-0004': { releases: { zanzibar: { status: 'open' } } } },
      }),
    );
    const sink = new RecordingSink();
    await debianTrackerSource.import({ path }, sink);
    expect(
      sink.records.map((r) => [r.advisory.id, r.advisory.affected.map((a) => a.ecosystem)]),
    ).toEqual([
      ['CVE-2024-0001', ['Debian:12']],
      ['CVE-2024-0003', []],
      ['CVE-2024-0004', ['Debian:zanzibar']],
    ]);
    expect(sink.skipped.map((s) => [s.file, s.field])).toEqual([
      ['bad.json', 'badstatus.CVE-2024-0002.releases.bookworm.status'],
      ['bad.json', 'nofix.CVE-2024-0003.releases.bookworm.fixed_version'],
      ['bad.json', 'notid.not an id'],
      ['bad.json', 'notobject'],
    ]);
    expect(sink.notes).toMatchObject([
      {
        field: 'future.CVE-2024-0004.releases.zanzibar',
        reason: 'unknown Debian release zanzibar, stored as Debian:zanzibar',
      },
    ]);
  });

  it('rejects a truncated dump with a VulnDbError naming the file', async () => {
    const path = join(dir, 'cut.json');
    writeFileSync(path, readFileSync(sample).subarray(0, 300));
    const error = await debianTrackerSource
      .import({ path }, new RecordingSink())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VulnDbError);
    expect((error as VulnDbError).message).toMatch(/^cannot read Debian tracker JSON cut\.json: /);
  });
});
