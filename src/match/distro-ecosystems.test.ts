import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, OsInfo } from '../catalog/index.js';
import { catalogFiles, useTempDir } from '../testing/index.js';
import { buildVulnDb, openVulnDb, type VulnDb } from '../vulndb/index.js';
import type { MatchPackage } from './match-input.js';
import { createMatcher } from './matcher.js';

/**
 * OSV records spelled the way OSV's ecosystem list defines each distribution release
 * (https://ossf.github.io/osv-schema/#defined-ecosystems, ossf/osv-schema ecosystems.json), stored
 * by `db build`, and matched for a package of an image of that release whose os-release file is
 * the distribution's real one.
 */
interface Case {
  readonly title: string;
  readonly osRelease: string;
  readonly ecosystem: string;
  /** The package name the record names (the source package where the ecosystem says so). */
  readonly recordName: string;
  readonly fixed: string;
  readonly pkg: Omit<MatchPackage, 'id' | 'purl' | 'locations'>;
}

const rpm = (name: string, version: string, source: string): Case['pkg'] => ({
  type: 'rpm',
  name,
  version,
  source: { name: source, version },
});

const CASES: readonly Case[] = [
  {
    title: 'Ubuntu 22.04 LTS',
    osRelease: `PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n`,
    ecosystem: 'Ubuntu:22.04:LTS',
    recordName: 'openssl',
    fixed: '3.0.2-0ubuntu1.12',
    pkg: {
      type: 'deb',
      name: 'libssl3',
      version: '3.0.2-0ubuntu1.10',
      source: { name: 'openssl', version: '3.0.2-0ubuntu1.10' },
    },
  },
  {
    title: 'Ubuntu 24.10 (interim, no :LTS)',
    osRelease: `PRETTY_NAME="Ubuntu 24.10"\nNAME="Ubuntu"\nVERSION_ID="24.10"\nVERSION="24.10 (Oracular Oriole)"\nID=ubuntu\nID_LIKE=debian\n`,
    ecosystem: 'Ubuntu:24.10',
    recordName: 'curl',
    fixed: '8.9.1-2ubuntu2.1',
    pkg: { type: 'deb', name: 'curl', version: '8.9.1-2ubuntu2' },
  },
  {
    title: 'Debian 12',
    osRelease: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n`,
    ecosystem: 'Debian:12',
    recordName: 'glibc',
    fixed: '2.36-9+deb12u4',
    pkg: {
      type: 'deb',
      name: 'libc6',
      version: '2.36-9+deb12u3',
      source: { name: 'glibc', version: '2.36-9+deb12u3' },
    },
  },
  {
    title: 'Debian trixie before release (no VERSION_ID)',
    osRelease: `PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n`,
    ecosystem: 'Debian:13',
    recordName: 'zlib',
    fixed: '1:1.3.dfsg+really1.3.1-1',
    pkg: {
      type: 'deb',
      name: 'zlib1g',
      version: '1:1.3.dfsg-3',
      source: { name: 'zlib', version: '1:1.3.dfsg-3' },
    },
  },
  {
    title: 'Alpine 3.19',
    osRelease: `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n`,
    ecosystem: 'Alpine:v3.19',
    recordName: 'openssl',
    fixed: '3.1.4-r5',
    pkg: {
      type: 'apk',
      name: 'libcrypto3',
      version: '3.1.4-r2',
      source: { name: 'openssl', version: '3.1.4-r2' },
    },
  },
  {
    title: 'Alpine edge',
    osRelease: `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21_alpha20240923\nPRETTY_NAME="Alpine Linux edge"\n`,
    ecosystem: 'Alpine:edge',
    recordName: 'busybox',
    fixed: '1.37.0-r1',
    pkg: { type: 'apk', name: 'busybox', version: '1.36.1-r29' },
  },
  {
    title: 'Rocky Linux 9.3',
    osRelease: `NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n`,
    ecosystem: 'Rocky Linux:9',
    recordName: 'openssl',
    fixed: '1:3.0.7-25.el9_3',
    pkg: { ...rpm('openssl-libs', '3.0.7-24.el9', 'openssl'), epoch: 1 },
  },
  {
    title: 'AlmaLinux 9.3',
    osRelease: `NAME="AlmaLinux"\nVERSION="9.3 (Shamrock Pampas Cat)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"\n`,
    ecosystem: 'AlmaLinux:9',
    recordName: 'curl',
    fixed: '7.76.1-26.el9_3.2',
    pkg: rpm('libcurl-minimal', '7.76.1-26.el9', 'curl'),
  },
  {
    title: 'openSUSE Leap 15.5',
    osRelease: `NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n`,
    ecosystem: 'openSUSE:Leap 15.5',
    recordName: 'libxml2',
    fixed: '2.10.3-150500.5.17.1',
    pkg: rpm('libxml2-2', '2.10.3-150500.5.14.1', 'libxml2'),
  },
  {
    title: 'openSUSE Tumbleweed',
    osRelease: `NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20240321"\nPRETTY_NAME="openSUSE Tumbleweed"\n`,
    ecosystem: 'openSUSE:Tumbleweed',
    recordName: 'xz',
    fixed: '5.6.1.revertto5.4-3.2',
    pkg: rpm('liblzma5', '5.6.1-1.1', 'xz'),
  },
  {
    title: 'SUSE Linux Enterprise Server 15 SP5',
    osRelease: `NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\n`,
    ecosystem: 'SUSE:Linux Enterprise Server 15 SP5',
    recordName: 'glibc',
    fixed: '2.31-150300.63.1',
    pkg: rpm('glibc', '2.31-150300.52.2', 'glibc'),
  },
  {
    title: 'Photon OS 5.0',
    osRelease: `NAME="VMware Photon OS"\nVERSION="5.0"\nID=photon\nVERSION_ID=5.0\nPRETTY_NAME="VMware Photon OS/Linux"\n`,
    ecosystem: 'Photon OS:5.0',
    recordName: 'openssl',
    fixed: '3.0.9-3.ph5',
    pkg: rpm('openssl', '3.0.9-1.ph5', 'openssl'),
  },
  {
    title: 'Wolfi',
    osRelease: `ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\n`,
    ecosystem: 'Wolfi',
    recordName: 'git',
    fixed: '2.45.1-r0',
    pkg: { type: 'apk', name: 'git', version: '2.44.0-r1' },
  },
  {
    title: 'Chainguard',
    osRelease: `ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\nVERSION_ID="20230214"\n`,
    ecosystem: 'Chainguard',
    recordName: 'nginx',
    fixed: '1.25.4-r0',
    pkg: { type: 'apk', name: 'nginx', version: '1.25.3-r2' },
  },
];

const osvRecord = (id: string, ecosystem: string, name: string, fixed: string): object => ({
  schema_version: '1.6.0',
  id,
  modified: '2024-05-01T00:00:00Z',
  published: '2024-04-01T00:00:00Z',
  aliases: [],
  summary: `${name} vulnerability in ${ecosystem}`,
  affected: [
    {
      package: { ecosystem, name },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    },
  ],
});

const dir = useTempDir();
let db: VulnDb;
const osOf = new Map<string, OsInfo | undefined>();

function catalogWith(os: OsInfo | undefined, pkg: Case['pkg'], version = pkg.version): Catalog {
  const match: MatchPackage = {
    ...pkg,
    version,
    ...(pkg.source ? { source: { ...pkg.source, version } } : {}),
    id: `${pkg.type}:${pkg.name}`,
    purl: `pkg:${pkg.type}/${pkg.name}@${version}`,
    locations: [],
  };
  return { os, packages: [match] } as unknown as Catalog;
}

beforeAll(async () => {
  const feed = join(dir, 'osv');
  await mkdir(feed, { recursive: true });
  await Promise.all(
    CASES.map((c, i) =>
      writeFile(
        join(feed, `LOCKYARD-TEST-${i}.json`),
        JSON.stringify(osvRecord(`LOCKYARD-TEST-${i}`, c.ecosystem, c.recordName, c.fixed)),
      ),
    ),
  );
  // Ubuntu Pro: fixes that only ship to ESM subscribers (OSV files them under Ubuntu:Pro:…).
  await writeFile(
    join(feed, 'UBUNTU-PRO.json'),
    JSON.stringify(
      osvRecord('UBUNTU-PRO-1', 'Ubuntu:Pro:18.04:LTS', 'expat', '2.2.5-3ubuntu0.9+esm2'),
    ),
  );
  await writeFile(
    join(feed, 'UBUNTU-BASE.json'),
    JSON.stringify(osvRecord('UBUNTU-BASE-1', 'Ubuntu:18.04:LTS', 'expat', '2.2.5-3ubuntu0.9')),
  );
  const output = join(dir, 'vuln.db');
  await buildVulnDb({ inputs: [{ kind: 'osv', path: feed }], output });
  db = openVulnDb(output);
  for (const c of CASES)
    osOf.set(c.title, (await catalogFiles({ 'etc/os-release': c.osRelease })).os);
  osOf.set(
    'bionic',
    (
      await catalogFiles({
        'etc/os-release': `NAME="Ubuntu"\nVERSION="18.04.6 LTS (Bionic Beaver)"\nID=ubuntu\nPRETTY_NAME="Ubuntu 18.04.6 LTS"\nVERSION_ID="18.04"\n`,
      })
    ).os,
  );
}, 120_000);

describe('distribution releases are looked up under OSV’s spelling of their ecosystem', () => {
  it.each(CASES.map((c, i) => [c.title, c, i] as const))('%s', (_title, c, i) => {
    const os = osOf.get(c.title);
    const { findings, notes } = createMatcher(db).match(catalogWith(os, c.pkg));
    expect(notes).toEqual([]);
    expect(findings.map((f) => [f.id, f.ecosystem, f.fixedVersions, f.status])).toEqual([
      [`LOCKYARD-TEST-${i}`, c.ecosystem, [c.fixed], 'fixed'],
    ]);
    // At the fixed version the package is no longer affected (an rpm carries its epoch apart).
    const fixedVersion = c.pkg.type === 'rpm' ? c.fixed.replace(/^\d+:/, '') : c.fixed;
    expect(createMatcher(db).match(catalogWith(os, c.pkg, fixedVersion)).findings).toEqual([]);
  });

  it('an Ubuntu Pro (+esm) package is also matched against the Pro release’s records', () => {
    const pkg = {
      type: 'deb',
      name: 'libexpat1',
      version: '2.2.5-3ubuntu0.9+esm1',
      source: { name: 'expat', version: '2.2.5-3ubuntu0.9+esm1' },
    } as const;
    const ids = createMatcher(db)
      .match(catalogWith(osOf.get('bionic'), pkg))
      .findings.map((f) => [f.id, f.fixedVersions]);
    // 0.9+esm1 > 0.9, so the base release's fix is in; the Pro fix (+esm2) is not.
    expect(ids).toEqual([['UBUNTU-PRO-1', ['2.2.5-3ubuntu0.9+esm2']]]);
  });

  it('a package not from Ubuntu Pro is not held to the Pro release’s records', () => {
    const pkg = {
      type: 'deb',
      name: 'libexpat1',
      version: '2.2.5-3ubuntu0.8',
      source: { name: 'expat', version: '2.2.5-3ubuntu0.8' },
    } as const;
    const ids = createMatcher(db)
      .match(catalogWith(osOf.get('bionic'), pkg))
      .findings.map((f) => f.id);
    expect(ids).toEqual(['UBUNTU-BASE-1']);
  });
});
