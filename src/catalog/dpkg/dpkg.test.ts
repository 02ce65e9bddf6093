import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import type { ParseResult } from '../cataloger.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { dpkgCataloger } from './index.js';
import {
  dpkgQuery,
  dpkgQueryHost,
  withInstalledStatus,
  type DpkgQueryRow,
} from './testing/dpkg-query.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'dpkg', ...parts));

async function parse(path: string, content: Buffer | string): Promise<ParseResult> {
  const bytes = Buffer.from(content);
  return dpkgCataloger.parse({
    path,
    type: 'file',
    mode: 0o644,
    size: bytes.length,
    content: bytes,
  });
}

/** dpkg-query(1): the states in which a package's files are on disk. */
const FILES_PRESENT = new Set([
  'installed',
  'unpacked',
  'half-configured',
  'half-installed',
  'triggers-awaited',
  'triggers-pending',
]);

function expectedFrom(rows: readonly DpkgQueryRow[]): string[] {
  return rows
    .filter((row) => FILES_PRESENT.has(row.status.split(' ')[2] ?? ''))
    .map(
      (r) =>
        `${r.name}\t${r.version}\t${r.arch}\t${r.sourceName}\t${r.sourceVersion}\t${r.maintainer}`,
    )
    .sort();
}

function actualFrom(result: ParseResult): string[] {
  return (result.packages ?? [])
    .map(
      (p) =>
        `${p.name}\t${p.version}\t${p.arch ?? ''}\t${p.source?.name}\t${p.source?.version}\t${p.supplier ?? ''}`,
    )
    .sort();
}

runCatalogerContract(dpkgCataloger, [
  { path: 'var/lib/dpkg/status', content: await fixture('trivy', 'dpkg') },
  {
    path: 'var/lib/dpkg/status.d/libsqlite3-0',
    content: await fixture(
      'syft',
      'image-distroless-deb',
      'var',
      'lib',
      'dpkg',
      'status.d',
      'libsqlite3-0',
    ),
  },
  {
    path: 'var/lib/dpkg/status.d/libsqlite3-0.md5sums',
    content: await fixture(
      'syft',
      'image-distroless-deb',
      'var',
      'lib',
      'dpkg',
      'status.d',
      'libsqlite3-0.md5sums',
    ),
  },
  {
    path: 'var/lib/dpkg/info/libgcc1:amd64.list',
    content: await fixture('stackrox-scanner', 'libgcc1:amd64.list'),
  },
  {
    path: 'usr/share/doc/libpam-runtime/copyright',
    content: await fixture(
      'syft',
      'image-dpkg',
      'usr',
      'share',
      'doc',
      'libpam-runtime',
      'copyright',
    ),
  },
]);

describe('dpkg status files, compared with dpkg-query', () => {
  it.each([
    ['claircore', 'postgresql.status'],
    ['claircore', 'texlive.status'],
    ['scalibr', 'valid'],
    ['snyk-docker-plugin', 'nginx-debian10', 'var', 'lib', 'dpkg', 'status'],
    ['snyk-docker-plugin', 'ubuntu_10_04', 'fs', 'var', 'lib', 'dpkg', 'status'],
    ['stackrox-scanner', 'DistUpgrade', 'jessie', 'var', 'lib', 'dpkg', 'status'],
    ['stackrox-scanner', 'DistUpgrade', 'wheezy', 'var', 'lib', 'dpkg', 'status'],
    ['stackrox-scanner', 'status'],
    ['syft', 'var', 'lib', 'dpkg', 'status.d', 'coreutils-relationships'],
    ['syft', 'var', 'lib', 'dpkg', 'status.d', 'deinstall'],
    ['trivy', 'dpkg'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const expected = expectedFrom(dpkgQuery(content));
    expect(expected.length).toBeGreaterThan(0);
    expect(actualFrom(await parse('var/lib/dpkg/status', content))).toEqual(expected);
  });

  it('reads this machine’s own dpkg database exactly as dpkg-query lists it', async () => {
    const expected = expectedFrom(dpkgQueryHost());
    const result = await parse('var/lib/dpkg/status', await readFile('/var/lib/dpkg/status'));
    expect(expected.length).toBeGreaterThan(100);
    expect(actualFrom(result)).toEqual(expected);
  });

  it('leaves out removed packages whose conffiles remain (deinstall ok config-files)', async () => {
    const result = await parse('var/lib/dpkg/status', await fixture('trivy', 'dpkg'));
    const rows = dpkgQuery(await fixture('trivy', 'dpkg'));
    const removed = rows.filter((row) => row.status.endsWith(' config-files')).map((r) => r.name);
    expect(removed.length).toBe(1);
    const names = new Set(result.packages?.map((p) => p.name));
    for (const name of removed) expect(names.has(name)).toBe(false);
  });

  it('reads CRLF line ends like LF', async () => {
    const lf = await fixture(
      'snyk-docker-plugin',
      'nginx-debian10',
      'var',
      'lib',
      'dpkg',
      'status',
    );
    const crlf = lf.toString('utf8').replaceAll('\n', '\r\n');
    expect(actualFrom(await parse('var/lib/dpkg/status', crlf))).toEqual(
      actualFrom(await parse('var/lib/dpkg/status', lf)),
    );
  });

  it('keeps the epoch in the version and as a number; Source (version) for binNMUs', async () => {
    const result = await parse('var/lib/dpkg/status', await fixture('scalibr', 'valid'));
    expect(result.packages?.find((p) => p.name === 'attr')).toMatchObject({
      version: '1:2.5.1-4',
      epoch: 1,
      source: { name: 'attr', version: '1:2.5.1-4' },
    });
    expect(result.packages?.find((p) => p.name === 'util-linux-extra')).toMatchObject({
      version: '2.38.1-5+b1',
      source: { name: 'util-linux', version: '2.38.1-5' },
    });
  });
});

describe('distroless status.d stanzas (no Status line), compared with dpkg-query', () => {
  it.each([
    ['stackrox-scanner', 'statusd-base'],
    ['stackrox-scanner', 'statusd-netbase'],
    ['syft', 'image-distroless-deb', 'var', 'lib', 'dpkg', 'status.d', 'libsqlite3-0'],
    ['scalibr', 'status.d', 'foo'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const expected = expectedFrom(dpkgQuery(withInstalledStatus(content.toString('utf8'))));
    expect(expected.length).toBeGreaterThan(0);
    const result = await parse('var/lib/dpkg/status.d/pkg', content);
    expect(actualFrom(result)).toEqual(expected);
  });

  it('honours a Status line where a status.d stanza has one', async () => {
    const result = await parse(
      'var/lib/dpkg/status.d/foo',
      await fixture('scalibr', 'status.d', 'foo'),
    );
    expect(result.packages?.map((p) => p.name)).toEqual(['foo']);
  });
});

describe('damaged status files (dpkg-query rejects these whole; Lockyard skips the bad stanza)', () => {
  it('skips an empty Package stanza and keeps the rest', async () => {
    const status = await fixture('syft', 'image-dpkg', 'var', 'lib', 'dpkg', 'status');
    const result = await parse('var/lib/dpkg/status', status);
    expect(result.packages?.map((p) => `${p.name} ${p.version}`)).toEqual([
      'libpam-runtime 1.1.8-3.6',
    ]);
    expect(result.warnings?.some((w) => w.includes('no Package name'))).toBe(true);
  });

  it('skips stanzas without name or version in a status.d file', async () => {
    const content = await fixture('syft', 'var', 'lib', 'dpkg', 'status.d', 'multiple');
    const result = await parse('var/lib/dpkg/status.d/multiple', content);
    expect(result.packages?.map((p) => p.name)).toEqual(['tzdata', 'util-linux']);
    expect(result.warnings?.some((w) => w.includes('(no-version): no Version'))).toBe(true);
  });

  it('counts stanzas without Status in the status file as not installed, like dpkg', async () => {
    const result = await parse('var/lib/dpkg/status', await fixture('stackrox-scanner', 'status'));
    const names = result.packages?.map((p) => p.name);
    expect(names).not.toContain('invalidpkg');
    expect(names).not.toContain('brokenPackageWithNoVersionThatShouldGetThrownOut');
  });

  it('reports lines that are not fields and keeps parsing', async () => {
    const good = (await fixture('scalibr', 'valid')).toString('utf8');
    const broken = good.replace('Package: acl\n', 'Package: acl\n<<garbage line>>\n');
    const result = await parse('var/lib/dpkg/status', broken);
    expect(actualFrom(result)).toEqual(actualFrom(await parse('var/lib/dpkg/status', good)));
    expect(result.warnings).toEqual([expect.stringContaining('not a "Field: value" line')]);
  });

  it.each([
    ['install ok', 'is not "<want> <flag> <status>"'],
    ['install ok sideways', 'unknown state'],
    ['wish ok installed', 'unknown want or flag'],
  ])('rejects Status "%s" with a warning naming the package', async (status, why) => {
    const text = `Package: p\nStatus: ${status}\nVersion: 1.0\n`;
    const result = await parse('var/lib/dpkg/status', text);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(new RegExp(`\\(p\\).*${why}`, 'u'))]);
  });
});

describe('file lists and copyright files', () => {
  it('reads info/<pkg>:<arch>.list as the file list of <pkg>', async () => {
    const result = await parse(
      'var/lib/dpkg/info/libgcc1:amd64.list',
      await fixture('stackrox-scanner', 'libgcc1:amd64.list'),
    );
    expect(result.fileOwners).toEqual([
      {
        type: 'deb',
        packageName: 'libgcc1',
        files: [
          '/not',
          '/not/an',
          '/not/an/executable',
          '/i',
          '/i/am',
          '/i/am/an',
          '/i/am/an/executable',
          '/lib/linux/libgcc5.so.1',
        ],
      },
    ]);
  });

  it('reads status.d/<pkg>.md5sums as absolute paths', async () => {
    const result = await parse(
      'var/lib/dpkg/status.d/foo.md5sums',
      await fixture('scalibr', 'status.d', 'foo.md5sums'),
    );
    expect(result.fileOwners?.[0]?.packageName).toBe('foo');
    expect(result.fileOwners?.[0]?.files).toContain('/usr/lib/os-release');
    expect(result.packages).toBeUndefined();
  });

  it.each([
    [
      ['syft', 'image-distroless-deb', 'usr', 'share', 'doc', 'libsqlite3-0', 'copyright'],
      'libsqlite3-0',
      ['public-domain', 'GPL-2.0-or-later'],
    ],
    [
      ['syft', 'image-dpkg', 'usr', 'share', 'doc', 'libpam-runtime', 'copyright'],
      'libpam-runtime',
      ['GPL-2.0-only', 'LGPL-2.1-only'],
    ],
  ])('licences from the DEP-5 file %j', async (parts, name, licenses) => {
    const result = await parse(`usr/share/doc/${name}/copyright`, await fixture(...parts));
    expect(result.fileOwners).toEqual([{ type: 'deb', packageName: name, files: [], licenses }]);
  });

  it("splits an expression with a name SPDX lacks into its names (this machine's bash)", async () => {
    // Debian 12's bash: `License: BSD-4-clause-UC and MIT-like` in a Files paragraph, each
    // licence in a paragraph of its own too.
    const text = await readFile('/usr/share/doc/bash/copyright', 'utf8');
    expect(text).toMatch(/^License: BSD-4-clause-UC and MIT-like$/mu);
    const result = await parse('usr/share/doc/bash/copyright', text);
    const licenses = result.fileOwners?.[0]?.licenses ?? [];
    expect(licenses).toEqual(expect.arrayContaining(['BSD-4-Clause-UC', 'MIT-like']));
    expect(licenses.filter((license) => / and | or /iu.test(license))).toEqual([]);
    // An expression SPDX can say whole stays one.
    const whole = await parse(
      'usr/share/doc/x/copyright',
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-1+ or Artistic, and Expat\n\nFiles: b\nLicense: Apache-2 or public-domain\n',
    );
    expect(whole.fileOwners?.[0]?.licenses).toEqual([
      '(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT',
      'Apache-2.0',
      'public-domain',
    ]);
  });

  it('licences from a pre-1.0 DEP-5 draft (Format-Specification header)', async () => {
    const text = [
      'Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135',
      'Name: zlib',
      '',
      'Files: *',
      'Copyright: 1995-2010 Jean-loup Gailly and Mark Adler',
      'License: Zlib',
      '',
    ].join('\n');
    const result = await parse('usr/share/doc/zlib1g/copyright', text);
    expect(result.fileOwners?.[0]?.licenses).toEqual(['Zlib']);
  });

  it('licences from a free-form copyright file by its common-licenses reference', async () => {
    const text =
      "This is Debian bash.\n\nOn Debian systems, the complete text of the GNU General Public\nLicense version 3 can be found in `/usr/share/common-licenses/GPL-3'.\n";
    const result = await parse('usr/share/doc/bash/copyright', text);
    expect(result.fileOwners?.[0]?.licenses).toEqual(['GPL-3.0-only']);
  });

  it('claims only the files it reads', () => {
    const claims = (path: string, size = 100): boolean =>
      dpkgCataloger.claims({ path, type: 'file', mode: 0o644, size });
    expect(claims('var/lib/dpkg/status')).toBe(true);
    expect(claims('var/lib/dpkg/status-old')).toBe(false);
    expect(claims('var/lib/dpkg/status.d/base')).toBe(true);
    expect(claims('var/lib/dpkg/status.d/sub/base')).toBe(false);
    expect(claims('var/lib/dpkg/info/bash.list')).toBe(true);
    expect(claims('var/lib/dpkg/info/bash.md5sums')).toBe(false);
    expect(claims('usr/share/doc/bash/copyright')).toBe(true);
    expect(claims('usr/share/doc/bash/examples/copyright')).toBe(false);
    expect(claims('usr/share/doc/bash/copyright', 8 * 1024 * 1024)).toBe(false);
  });
});

describe('hostile status files', () => {
  it('reports the first problems of a file full of broken stanzas, and counts the rest', async () => {
    const text = Array.from(
      { length: 5000 },
      (_, i) => `Package: p${i}\nStatus: install ok installed\n`,
    ).join('\n');
    const result = await parse('var/lib/dpkg/status', text);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toHaveLength(21);
    expect(result.warnings?.[20]).toBe('... and 4980 more problems');
  });
});
