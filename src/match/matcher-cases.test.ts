import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  catalogFiles,
  repoRoot,
  sharedFixture,
  useTempDir,
  bookwormOval,
} from '../testing/index.js';
import { buildVulnDb, openVulnDb, type VulnDb } from '../vulndb/index.js';
import { osEndOfLife } from './end-of-life.js';
import { createMatcher } from './matcher.js';
import { catalogOf as catalog, debianRelease } from './testing/catalog-of.js';

const dir = useTempDir();
let db: VulnDb;

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n`;
const bullseye = debianRelease('11', 'bullseye');

beforeAll(async () => {
  const output = join(dir, 'vuln.db');
  await buildVulnDb({
    inputs: [
      { kind: 'osv', path: sharedFixture('vulndb', 'osv-go.tar.gz') },
      { kind: 'osv', path: sharedFixture('vulndb', 'osv-pypi-yaml.tar.gz') },
      {
        kind: 'debian-oval',
        path: bookwormOval(),
      },
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
    ],
    output,
  });
  db = openVulnDb(output);
}, 180_000);

describe('Go standard library, matched from a real binary’s toolchain version', () => {
  let ids: string[];
  let stdlib: { installedVersion: string; fixedVersions: readonly string[] } | undefined;

  beforeAll(async () => {
    // osv-scalibr's test binary, built by go1.22.0 (`go version -m` says so).
    const binary = await readFile(
      sharedFixture('pkgdb', 'go', 'scalibr', 'binary_with_module_replacement-linux-amd64'),
    );
    const image = await catalogFiles([{ name: 'usr/local/bin/app', content: binary, mode: 0o755 }]);
    const findings = createMatcher(db)
      .match(image)
      .findings.filter((f) => f.package.name === 'stdlib');
    ids = findings.flatMap((f) => [f.id, ...f.aliases]);
    stdlib = findings.find((f) => f.aliases.includes('GO-2024-2598'));
  });

  it('reports stdlib advisories whose ranges hold 1.22.0', () => {
    // GO-2024-2598: introduced 0 fixed 1.21.8, introduced 1.22.0-0 fixed 1.22.1.
    // GO-2024-2824: introduced 1.22.0-0 fixed 1.22.3 (a 1.22-only bug).
    // GO-2024-3105: introduced 0 fixed 1.22.7.
    expect(ids).toEqual(expect.arrayContaining(['GO-2024-2598', 'GO-2024-2824', 'GO-2024-3105']));
    expect(stdlib).toMatchObject({
      id: 'CVE-2024-24783',
      installedVersion: 'v1.22.0',
      fixedVersions: ['1.21.8', '1.22.1'],
    });
  });

  it('leaves out stdlib advisories fixed before 1.22', () => {
    // GO-2023-2185: fixed 1.20.11/1.21.4, then 1.20.12/1.21.5; no 1.22 range.
    expect(ids).not.toContain('GO-2023-2185');
  });
});

describe('withdrawn OSV records', () => {
  it('are stored but never reported', () => {
    // GO-2024-2730 (github.com/gorilla/sessions, introduced 0, no fix) was withdrawn 2024-04-17.
    expect(db.advisories('GO-2024-2730')[0]?.withdrawn).toBe('2024-04-17T18:06:23.000Z');
    const { findings } = createMatcher(db).match(
      catalog(undefined, {
        type: 'golang',
        namespace: 'github.com/gorilla',
        name: 'sessions',
        version: 'v1.2.1',
      }),
    );
    expect(findings.flatMap((f) => [f.id, ...f.aliases])).not.toContain('GO-2024-2730');
  });
});

describe('last_affected', () => {
  // PYSEC-2022-42969: py "through 1.11.0", events introduced 0 / last_affected 1.11.0, no fix.
  const ids = (version: string): string[] =>
    createMatcher(db)
      .match(catalog(undefined, { type: 'pypi', name: 'py', version }))
      .findings.flatMap((f) => [f.id, ...f.aliases]);

  it('includes the last affected version itself, with no fixed version', () => {
    expect(ids('1.11.0')).toContain('PYSEC-2022-42969');
    const [finding] = createMatcher(db)
      .match(catalog(undefined, { type: 'pypi', name: 'py', version: '1.11.0' }))
      .findings.filter((f) => [f.id, ...f.aliases].includes('PYSEC-2022-42969'));
    expect(finding).toMatchObject({ status: 'affected', fixedVersions: [] });
  });

  it('includes a version below it that the versions list does not name', () => {
    expect(ids('1.10.0.post1')).toContain('PYSEC-2022-42969');
  });

  it('excludes anything after it', () => {
    expect(ids('1.11.0.post1')).not.toContain('PYSEC-2022-42969');
    expect(ids('1.12.0')).not.toContain('PYSEC-2022-42969');
  });
});

describe('Debian: will-not-fix and end-of-life (security tracker)', () => {
  it('carries the tracker’s status to the finding, with no fixed version', () => {
    const { findings } = createMatcher(db).match(
      catalog(
        bullseye,
        {
          type: 'deb',
          name: 'linux-image-amd64',
          version: '5.10.209-2',
          source: { name: 'linux', version: '5.10.209-2' },
        },
        { type: 'deb', name: 'chromium', version: '116.0.5845.180-1~deb11u1' },
        {
          type: 'deb',
          name: 'libssl1.1',
          version: '1.1.1w-0+deb11u1',
          source: { name: 'openssl', version: '1.1.1w-0+deb11u1' },
        },
      ),
    );
    const byId = Object.fromEntries(
      findings.map((f) => [f.id, [f.package.name, f.status, f.fixedVersions]]),
    );
    // bullseye: linux CVE-2023-52485 open with nodsa_reason "ignored"; chromium CVE-2023-5217 open
    // with urgency "end-of-life"; openssl CVE-2024-4741 open, "postponed" (a later point release).
    expect(byId).toEqual({
      'CVE-2023-52485': ['linux-image-amd64', 'will-not-fix', []],
      'CVE-2023-5217': ['chromium', 'end-of-life', []],
      'CVE-2024-4741': ['libssl1.1', 'affected', []],
    });
    // And the release itself is past its end of life.
    expect(osEndOfLife(bullseye, new Date('2026-01-01T00:00:00Z'))).toBe('2024-08-14');
  });

  it('the same CVE is fixed in the release that shipped a fix', () => {
    const bookworm = { ...bullseye, versionId: '12', versionCodename: 'bookworm' };
    const { findings } = createMatcher(db).match(
      catalog(bookworm, { type: 'deb', name: 'chromium', version: '116.0.5845.180-1~deb12u1' }),
    );
    expect(findings.find((f) => f.id === 'CVE-2023-5217')).toMatchObject({
      status: 'fixed',
      fixedVersions: ['117.0.5938.132-1~deb12u1'],
    });
  });
});

describe('Debian source packages (real status file, real Debian 12 OVAL)', () => {
  it('matches binaries through their Source: and compares the source version, not the binNMU', async () => {
    // osv-scalibr's dpkg status: accountsservice 22.08.8-6, acl 2.3.1-3 (and libacl1 from it),
    // adduser, attr, admin-session, and util-linux-extra 2.38.1-5+b1 (Source: util-linux (2.38.1-5)).
    // By hand from the OVAL: accountsservice's newest fix is 22.08.8-4, acl's 2.2.49-2; util-linux's
    // fixes all precede 2.38.1-5 except CVE-2022-0563, "earlier than 0" (open in bookworm).
    const image = await catalogFiles({
      'etc/os-release': DEBIAN_12,
      'var/lib/dpkg/status': await readFile(sharedFixture('pkgdb', 'dpkg', 'scalibr', 'valid')),
    });
    const { findings, notes } = createMatcher(db).match(image);
    expect(notes).toEqual([]);
    expect(
      findings.map((f) => [f.package.name, f.package.version, f.id, f.installedVersion, f.status]),
    ).toEqual([['util-linux-extra', '2.38.1-5+b1', 'CVE-2022-0563', '2.38.1-5', 'affected']]);
    expect(findings[0]).toMatchObject({
      ecosystem: 'Debian:12',
      dataSource: 'debian-oval',
      fixedVersions: [],
    });
  });
});
