import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedFixture, useTempDir } from '../testing/index.js';
import { buildVulnDb, openVulnDb, type VulnDb } from '../vulndb/index.js';
import { createMatcher } from './matcher.js';
import { catalogOf as catalog, debianRelease } from './testing/catalog-of.js';
import { cvssScores, severityOfScore } from './severity.js';

const dir = useTempDir();
let db: VulnDb;

const bookworm = debianRelease('12', 'bookworm');

/** The one vector of `type` a stored advisory carries, read from the database built from the fixture. */
function vectorOf(id: string, prefix: string): string {
  const vector = db
    .advisories(id)
    .flatMap((advisory) => advisory.severity)
    .find((s) => s.score.startsWith(prefix))?.score;
  if (!vector) throw new Error(`${id} has no ${prefix} vector in the fixture`);
  return vector;
}

beforeAll(async () => {
  // NVD's vectors for CVE-2005-2541 (tar, v2) and CVE-2023-4911 (glibc, v3.1) as OSV records
  // without packages: the fixtures hold no v2 vector, and both CVEs are in the tracker sample.
  const nvd = join(dir, 'nvd');
  await mkdir(nvd, { recursive: true });
  await writeFile(
    join(nvd, 'CVE-2005-2541.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'CVE-2005-2541',
      modified: '2024-01-01T00:00:00Z',
      summary: 'Tar 1.15.1 does not properly warn the user when extracting setuid or setgid files',
      severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }],
      affected: [],
    }),
  );
  await writeFile(
    join(nvd, 'CVE-2023-4911.json'),
    JSON.stringify({
      schema_version: '1.6.0',
      id: 'CVE-2023-4911',
      modified: '2024-01-01T00:00:00Z',
      summary: 'Buffer overflow in the GNU C Library dynamic loader (GLIBC_TUNABLES)',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [],
    }),
  );
  const output = join(dir, 'vuln.db');
  await buildVulnDb({
    inputs: [
      { kind: 'osv', path: sharedFixture('vulndb', 'ghsa') },
      { kind: 'osv', path: sharedFixture('vulndb', 'osv-crates.tar.gz') },
      {
        kind: 'debian-tracker',
        path: join(
          repoRoot,
          'src',
          'vulndb',
          'sources',
          'debian-tracker',
          '__fixtures__',
          'tracker-sample.json',
        ),
      },
      { kind: 'osv', path: nvd },
    ],
    output,
  });
  db = openVulnDb(output);
}, 120_000);

describe('CVSS base scores of real vectors, against the specifications’ published values', () => {
  it.each([
    // CVSS v2 guide §3.3.1, CVE-2002-0392 / CVE-2003-0818: stored here for CVE-2005-2541.
    ['CVE-2005-2541', 'AV:', '2.0', 10.0],
    // CVSS v3.1 Examples (FIRST): Heartbleed CVE-2014-0160 is C:H/I:N/A:N = 7.5.
    ['GHSA-w248-ffj2-4v5q', 'CVSS:3.1', '3.1', 7.5],
    // v3.1 Examples: phpMyAdmin reflected XSS CVE-2013-1937, AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N = 6.1.
    ['GHSA-rv95-896h-c2vc', 'CVSS:3.1', '3.1', 6.1],
    // v3.1 Examples: Shellshock CVE-2014-6271, AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H = 9.8.
    ['GHSA-xvch-5gv4-984h', 'CVSS:3.1', '3.1', 9.8],
    // v3.0 specification formula, same metrics as Shellshock (3.0 and 3.1 base scores agree).
    ['RUSTSEC-2017-0004', 'CVSS:3.0', '3.0', 9.8],
    // v3.0: availability only, AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H = 7.5 (the Heartbleed magnitude).
    ['RUSTSEC-2019-0007', 'CVSS:3.0', '3.0', 7.5],
    // v4.0 (FIRST calculator's MacroVector table): VA:H alone over the network = 8.7 (macrovector 001100),
    // with attack requirements present 8.2, VA:L alone 6.9, and no impact at all 0.0.
    ['RUSTSEC-2026-0179', 'CVSS:4.0', '4.0', 8.7],
    ['RUSTSEC-2026-0208', 'CVSS:4.0', '4.0', 8.2],
    ['RUSTSEC-2026-0178', 'CVSS:4.0', '4.0', 6.9],
    ['RUSTSEC-2026-0024', 'CVSS:4.0', '4.0', 0],
  ] as const)('%s (%s) scores %s / %d', (id, prefix, version, score) => {
    const vector = vectorOf(id, prefix);
    expect(cvssScores([{ type: 'CVSS_V3', score: vector }], 'osv')).toEqual([
      { version, vector, score, source: 'osv' },
    ]);
  });

  it.each([
    'CVSS:3.1/AV:X/AC:L',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H',
    'AV:N/AC:L/Au:N/C:C',
    'not a vector',
  ])('drops %s (not every base metric given) instead of scoring it', (score) => {
    expect(cvssScores([{ type: 'CVSS_V3', score }], 'osv')).toEqual([]);
  });

  it.each([
    [9.8, 'CRITICAL'],
    [9.0, 'CRITICAL'],
    [8.9, 'HIGH'],
    [7.0, 'HIGH'],
    [6.9, 'MEDIUM'],
    [4.0, 'MEDIUM'],
    [3.9, 'LOW'],
    [0.1, 'LOW'],
    [0, 'UNKNOWN'],
  ] as const)('a base score of %d is %s (FIRST bands)', (score, severity) => {
    expect(severityOfScore(score)).toBe(severity);
  });
});

describe('which source decides a finding’s severity (match/README.md)', () => {
  it('the newest CVSS version decides, not the highest score nor the feed label', () => {
    // GHSA-qw6h-vgh9-j6wx (express < 4.20.0): v3.1 5.0 (MEDIUM), v4.0 below 4 (LOW), GitHub label MODERATE.
    const [finding] = createMatcher(db)
      .match(catalog(undefined, { type: 'npm', name: 'express', version: '4.19.2' }))
      .findings.filter((f) => f.aliases.includes('GHSA-qw6h-vgh9-j6wx'));
    expect(finding?.cvss.find((c) => c.version === '3.1')?.score).toBe(5.0);
    expect(finding?.cvss.find((c) => c.version === '4.0')?.score).toBeLessThan(4);
    expect(finding).toMatchObject({
      id: 'CVE-2024-43796',
      severity: 'LOW',
      severitySource: 'cvss:4.0',
    });
  });

  it('CVSS decides over the feed label for a language package', () => {
    // GHSA-p6xc-xr62-6r2g (log4j-core 2.4.0..2.12.3): S:C/C:N/I:N/A:H = 8.6 HIGH; GHSA-8489-44mv-ggj8
    // (log4j-core < 2.3.2): AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H = 6.6 MEDIUM, labelled MODERATE.
    const findings = createMatcher(db).match(
      catalog(undefined, {
        type: 'maven',
        namespace: 'org.apache.logging.log4j',
        name: 'log4j-core',
        version: '2.3.1',
      }),
    ).findings;
    const byId = Object.fromEntries(
      findings.map((f) => [f.id, [f.severity, f.severitySource, f.cvss[0]?.score]]),
    );
    expect(byId['CVE-2021-44832']).toEqual(['MEDIUM', 'cvss:3.1', 6.6]);
  });

  it('a feed label decides when no CVSS is known', () => {
    // GHSA-h7vf-5wrv-9fhv (symfony/http-kernel 2.0.0..4.4.50) has no vector, label MODERATE.
    const [finding] = createMatcher(db).match(
      catalog(undefined, {
        type: 'composer',
        namespace: 'symfony',
        name: 'http-kernel',
        version: '4.4.49',
      }),
    ).findings;
    expect(finding).toMatchObject({
      id: 'CVE-2022-24894',
      severity: 'MEDIUM',
      severitySource: 'ghsa',
      cvss: [],
    });
  });

  it('for a distro package the distribution’s own rating wins over a CVSS 10.0', () => {
    // Debian rates tar CVE-2005-2541 "unimportant" (open in bookworm); NVD's v2 vector scores 10.0.
    const findings = createMatcher(db).match(
      catalog(bookworm, { type: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1' }),
    ).findings;
    const tar = findings.find((f) => f.id === 'CVE-2005-2541');
    expect(tar).toMatchObject({ severity: 'LOW', severitySource: 'debian', status: 'affected' });
    expect(tar?.cvss).toEqual([
      { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C', score: 10, source: 'osv' },
    ]);
  });

  it('for a distro package without a distro rating, the CVSS of the same CVE decides', () => {
    // glibc CVE-2023-4911 has no urgency in the tracker sample ("not yet assigned"); NVD's v3.1
    // vector AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H scores 7.8 (v3.1 spec §7 formulas).
    const pkg = {
      type: 'deb',
      name: 'libc6',
      version: '2.36-9+deb12u1',
      source: { name: 'glibc', version: '2.36-9+deb12u1' },
    } as const;
    const [finding] = createMatcher(db).match(catalog(bookworm, pkg)).findings;
    expect(finding).toMatchObject({
      id: 'CVE-2023-4911',
      severity: 'HIGH',
      severitySource: 'cvss:3.1',
      fixedVersions: ['2.36-9+deb12u3'],
      dataSource: 'debian-tracker',
    });
    expect(finding?.cvss.map((c) => c.score)).toEqual([7.8]);
  });
});
