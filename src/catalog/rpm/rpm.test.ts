import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import type { ParseResult } from '../cataloger.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { parseSourceRpm, readNdb, rpmCataloger } from './index.js';
import { rpmLine, rpmQa, rpmQaOfBlobs } from './testing/rpm-query.js';
import { toBigEndianHashDb } from './testing/swap-endian.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'rpm', ...parts));

async function parse(path: string, content: Buffer): Promise<ParseResult> {
  return rpmCataloger.parse({ path, type: 'file', mode: 0o644, size: content.length, content });
}

const lines = (result: ParseResult): string[] => (result.packages ?? []).map(rpmLine).sort();

/**
 * go-rpmdb's CentOS 5-8 Berkeley DB test databases, as Debian packages them
 * (golang-github-knqyf263-go-rpmdb-dev, installed by .ci/run).
 */
const GO_RPMDB_DEB = '/usr/share/gocode/src/github.com/knqyf263/go-rpmdb/pkg/testdata';
const debianBdbs = existsSync(GO_RPMDB_DEB)
  ? readdirSync(GO_RPMDB_DEB).filter((dir) => existsSync(join(GO_RPMDB_DEB, dir, 'Packages')))
  : [];

runCatalogerContract(rpmCataloger, [
  {
    path: 'var/lib/rpmmanifest/container-manifest-2',
    content: await fixture('syft', 'container-manifest-2'),
  },
  { path: 'var/lib/rpm/Packages', content: await fixture('go-rpmdb', 'libuuid', 'Packages') },
  {
    path: 'var/lib/rpm/Packages.db',
    content: await fixture('go-rpmdb', 'sle15-bci', 'Packages.db'),
  },
  {
    path: 'usr/lib/sysimage/rpm/rpmdb.sqlite',
    content: await fixture('go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'),
  },
]);

describe('Berkeley DB rpmdb, compared with rpm -qa (bdb_ro)', () => {
  it.each([
    ['go-rpmdb', 'centos7-plain', 'Packages'],
    ['go-rpmdb', 'libuuid', 'Packages'],
    ['scalibr', 'Packages_epoch'],
    ['syft', 'Packages'],
  ])('%s/%s', async (...parts) => {
    const db = await fixture(...parts);
    const expected = rpmQa(db, 'bdb');
    expect(expected.length).toBeGreaterThan(0);
    const result = await parse('var/lib/rpm/Packages', db);
    expect(lines(result)).toEqual(expected);
    expect(result.warnings).toBeUndefined();
  });

  it('reads an empty database (a never-written bucket page) as no packages, quietly', async () => {
    const db = await fixture('snyk-rpm-parser', 'rpm4_empty');
    expect(rpmQa(db, 'bdb')).toEqual([]);
    expect(await parse('var/lib/rpm/Packages', db)).toEqual({ packages: [] });
  });

  if (debianBdbs.length === 0) {
    it.skip('go-rpmdb CentOS 5-8 databases: apt-get install golang-github-knqyf263-go-rpmdb-dev', () => {});
  } else {
    it.each(debianBdbs)('go-rpmdb %s (Debian package)', async (dir) => {
      const db = await readFile(join(GO_RPMDB_DEB, dir, 'Packages'));
      const result = await parse('var/lib/rpm/Packages', db);
      expect(lines(result)).toEqual(rpmQa(db, 'bdb'));
      expect(result.warnings).toBeUndefined();
    });
  }

  it('reads a big-endian (s390x) database like rpm -qa does', async () => {
    const db = toBigEndianHashDb(await fixture('go-rpmdb', 'centos7-plain', 'Packages'));
    expect(db.readUInt32BE(12)).toBe(0x00061561);
    const expected = rpmQa(db, 'bdb');
    expect(expected).toHaveLength(144);
    const result = await parse('var/lib/rpm/Packages', db);
    expect(lines(result)).toEqual(expected);
    expect(result.warnings).toBeUndefined();
  });

  it('keeps the epoch apart from version-release', async () => {
    const epoch = await parse('var/lib/rpm/Packages', await fixture('scalibr', 'Packages_epoch'));
    expect(epoch.packages?.[0]).toMatchObject({ name: 'hello', version: '0.0.1-rls', epoch: 1 });
    const centos = await parse(
      'var/lib/rpm/Packages',
      await fixture('go-rpmdb', 'centos7-plain', 'Packages'),
    );
    expect(centos.packages?.find((p) => p.name === 'device-mapper')).toMatchObject({
      version: '1.02.146-4.el7',
      epoch: 7,
      arch: 'x86_64',
      source: { name: 'lvm2', version: '2.02.177-4.el7' },
    });
  });

  it('gives each package its file list from BASENAMES/DIRNAMES/DIRINDEXES', async () => {
    const result = await parse(
      'var/lib/rpm/Packages',
      await fixture('go-rpmdb', 'libuuid', 'Packages'),
    );
    expect(result.packages?.[0]?.files).toContain('/usr/lib64/libuuid.so.1.3.0');
  });
});

describe('SQLite rpmdb, compared with rpm -qa', () => {
  it.each([
    ['go-rpmdb', 'amazonlinux2023-plain', 'rpmdb.sqlite'],
    ['go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'],
  ])('%s/%s', async (...parts) => {
    const db = await fixture(...parts);
    const expected = rpmQa(db, 'sqlite');
    expect(expected.length).toBeGreaterThan(50);
    for (const path of ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite']) {
      const result = await parse(path, db);
      expect(lines(result)).toEqual(expected);
      expect(result.warnings).toBeUndefined();
    }
  });

  it('skips the gpg-pubkey pseudo-packages rpm lists', async () => {
    const result = await parse(
      'var/lib/rpm/rpmdb.sqlite',
      await fixture('go-rpmdb', 'amazonlinux2023-plain', 'rpmdb.sqlite'),
    );
    expect(result.packages?.some((p) => p.name === 'gpg-pubkey')).toBe(false);
  });

  it('reports an SQLite file without a Packages table', async () => {
    const result = await parse(
      'var/lib/rpm/rpmdb.sqlite',
      await fixture('claircore', 'no_packages.sqlite'),
    );
    expect(result).toEqual({ warnings: ['SQLite database has no Packages table'] });
  });
});

describe('NDB rpmdb (SUSE): not readable by Debian’s rpm, so checked through rpmdb --importdb', () => {
  it('sle15-bci: the blobs round-trip through rpm with valid digests, and match our packages', async () => {
    const db = await fixture('go-rpmdb', 'sle15-bci', 'Packages.db');
    const { blobs, warnings } = readNdb(db);
    expect(warnings).toEqual([]);
    // go-rpmdb's own test of this file expects 35 packages, glibc 2.31-9.3.2 among them.
    const expected = rpmQaOfBlobs(blobs);
    expect(expected).toHaveLength(35);
    const result = await parse('var/lib/rpm/Packages.db', db);
    expect(lines(result)).toEqual(expected);
    const glibc = result.packages?.find((p) => p.name === 'glibc');
    expect(glibc).toMatchObject({ version: '2.31-9.3.2', arch: 'x86_64' });
    expect(glibc?.supplier).toBe('SUSE LLC <https://www.suse.com/>');
  });
});

describe('CBL-Mariner distroless package manifest', () => {
  it('reads every line: name, version-release, epoch, arch, source rpm', async () => {
    const text = await fixture('syft', 'container-manifest-2');
    const result = await parse('var/lib/rpmmanifest/container-manifest-2', text);
    const lineCount = text
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '').length;
    expect(result.packages).toHaveLength(lineCount);
    expect(result.warnings).toBeUndefined();
    expect(result.packages?.find((p) => p.name === 'vim')).toMatchObject({
      version: '9.0-1.cm2',
      epoch: 2,
      arch: 'x86_64',
      source: { name: 'vim', version: '9.0-1.cm2' },
    });
    expect(result.packages?.find((p) => p.name === 'glibc')?.epoch).toBeUndefined();
  });

  it('reports lines that are not ten tab-separated columns', async () => {
    const result = await parse(
      'var/lib/rpmmanifest/container-manifest-2',
      Buffer.from('vim 9.0-1.cm2\n'),
    );
    expect(result).toEqual({
      packages: [],
      warnings: ['line 1: expected 10 tab-separated columns with a name and version'],
    });
  });
});

describe('SOURCERPM file names', () => {
  it.each([
    ['glibc-2.17-222.el7.src.rpm', { name: 'glibc', version: '2.17-222.el7' }],
    ['python-urllib3-1.26.5-3.el9.src.rpm', { name: 'python-urllib3', version: '1.26.5-3.el9' }],
    [
      'gcc12-12.2.1+git416-150000.1.5.1.src.rpm',
      { name: 'gcc12', version: '12.2.1+git416-150000.1.5.1' },
    ],
    ['kernel-5.14.0-70.nosrc.rpm', { name: 'kernel', version: '5.14.0-70' }],
    ['glibc-2.17.src.rpm', undefined],
    ['-1-2.src.rpm', undefined],
    ['glibc-2.17-222.el7.rpm', undefined],
  ])('%s', (fileName, expected) => {
    expect(parseSourceRpm(fileName)).toEqual(expected);
  });
});
