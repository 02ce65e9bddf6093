import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/index.js';
import { catalogImageDir, repoRoot, sharedFixture, useTempDir } from '../testing/index.js';
import { buildVulnDb, openVulnDb, type VulnDb } from '../vulndb/index.js';
import { createMatcher } from './matcher.js';

const dir = useTempDir();
let db: VulnDb;
let alpine: Catalog;

beforeAll(async () => {
  const output = join(dir, 'vuln.db');
  await buildVulnDb({
    inputs: [{ kind: 'alpine-secdb', path: sharedFixture('vulndb', 'alpine-secdb.tar.gz') }],
    output,
  });
  db = openVulnDb(output);
  alpine = await catalogImageDir(join(repoRoot, 'examples', 'alpine-3.10.tar.gz'));
}, 120_000);

describe('matching a real Alpine 3.10.4 image against the real Alpine secdb', () => {
  it('finds exactly the CVEs whose secfixes version is newer than the installed origin version', () => {
    const { findings } = createMatcher(db).match(alpine);
    const byPackage = new Map<string, string[]>();
    for (const f of findings)
      byPackage.set(f.package.name, [...(byPackage.get(f.package.name) ?? []), f.id].sort());
    // From alpine/v3.10/main.json: apk-tools 2.10.4-r2, busybox 1.30.1-r3, musl 1.1.22-r3, openssl 1.1.1d-r2
    // are installed; each CVE below has a secfixes version above them, and none at or below.
    expect(byPackage.get('apk-tools')).toEqual(['CVE-2021-30139', 'CVE-2021-36159']);
    expect(byPackage.get('busybox')).toEqual(['CVE-2021-28831']);
    expect(byPackage.get('ssl_client')).toEqual(['CVE-2021-28831']);
    expect(byPackage.get('musl')).toEqual(['CVE-2020-28928']);
    expect(byPackage.get('musl-utils')).toEqual(['CVE-2020-28928']);
    const openssl = [
      'CVE-2020-1967',
      'CVE-2020-1971',
      'CVE-2021-23839',
      'CVE-2021-23840',
      'CVE-2021-23841',
      'CVE-2021-3449',
      'CVE-2021-3450',
    ];
    expect(byPackage.get('libcrypto1.1')).toEqual(openssl);
    expect(byPackage.get('libssl1.1')).toEqual(openssl);
  });

  it('reports fixed versions, status, ecosystem and where the package lives', () => {
    const { findings } = createMatcher(db).match(alpine);
    const musl = findings.find((f) => f.package.name === 'musl');
    expect(musl).toMatchObject({
      id: 'CVE-2020-28928',
      installedVersion: '1.1.22-r3',
      fixedVersions: ['1.1.22-r4'],
      status: 'fixed',
      ecosystem: 'Alpine:v3.10',
      dataSource: 'alpine-secdb',
    });
    expect(musl?.package.locations[0]?.path).toBe('lib/apk/db/installed');
    expect(musl?.package.locations[0]?.layerDiffId).toMatch(/^sha256:/);
  });

  it('matches nothing for a release the feed does not cover, and says why', () => {
    const unknown = { ...alpine, os: alpine.os ? { ...alpine.os, id: 'plan9' } : undefined };
    const result = createMatcher(db).match(unknown);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toMatch(/OS packages not matched/);
  });

  it('says when the database has no advisories at all for a release or ecosystem it was given', () => {
    // Alpine 3.10 is in this secdb; a release it does not hold is "not checked", not "clean".
    expect(createMatcher(db).match(alpine).notes.join('\n')).not.toMatch(/has no advisories/);
    const newer = { ...alpine, os: alpine.os ? { ...alpine.os, versionId: '3.99.0' } : undefined };
    const result = createMatcher(db).match(newer);
    expect(result.findings).toEqual([]);
    expect(result.notes).toContain(
      `${alpine.packages.length} packages not matched: the vulnerability database has no advisories for Alpine:v3.99`,
    );
    expect(db.covers('Alpine:v3.10')).toBe(true);
    expect(db.covers('npm')).toBe(false);
  });
});
