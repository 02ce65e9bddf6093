import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { osReleaseCataloger } from './index.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'os-release', ...parts));

runCatalogerContract(osReleaseCataloger, [
  {
    path: 'etc/os-release',
    content: await fixture('claircore', 'debian', '12', 'etc', 'os-release'),
  },
  {
    path: 'usr/lib/os-release',
    content: await fixture('syft', 'fedora', 'usr', 'lib', 'os-release'),
  },
  {
    path: 'etc/redhat-release',
    content: await fixture('claircore', 'rhel', '7', 'etc', 'redhat-release'),
  },
]);

describe('os-release cataloger on real release files', () => {
  it.each([
    [['claircore', 'debian', '12'], 'debian', '12', 'bookworm'],
    [['claircore', 'ubuntu', '22.04'], 'ubuntu', '22.04', 'jammy'],
    [['claircore', 'alpine', '3.18'], 'alpine', '3.18.4', undefined],
    [['claircore', 'rhel', '9'], 'rhel', '9.0', undefined],
    [['syft', 'wolfi'], 'wolfi', '20220914', undefined],
    [['syft', 'amazon'], 'amzn', '2', undefined],
  ])('%j -> %s %s', async (parts, id, versionId, codename) => {
    const catalog = await catalogFiles({
      'etc/os-release': await fixture(...parts, 'etc', 'os-release'),
    });
    expect(catalog.os?.id).toBe(id);
    expect(catalog.os?.versionId).toBe(versionId);
    if (codename) expect(catalog.os?.versionCodename).toBe(codename);
  });

  it('follows /etc/os-release -> ../usr/lib/os-release as Debian ships it', async () => {
    const catalog = await catalogFiles([
      {
        name: 'usr/lib/os-release',
        content: await fixture('claircore', 'debian', '12', 'etc', 'os-release'),
      },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    ]);
    expect(catalog.os).toMatchObject({
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
    });
  });

  it('falls back to /etc/redhat-release when os-release is missing', async () => {
    const catalog = await catalogFiles({
      'etc/redhat-release': await fixture('claircore', 'rhel', '7', 'etc', 'redhat-release'),
    });
    expect(catalog.os?.id).toBe('rhel');
    expect(catalog.os?.versionId).toMatch(/^7\./);
  });
});

describe('os-release edge cases from real files', () => {
  const parseAt = async (path: string, ...parts: string[]) => {
    const content = await fixture(...parts);
    return osReleaseCataloger.parse({
      path,
      type: 'file',
      mode: 0o644,
      size: content.length,
      content,
    });
  };

  it.each([
    [['claircore', 'debian', '7', 'etc', 'os-release'], 'debian', '7', 'wheezy'],
    [['claircore', 'debian', '8', 'etc', 'os-release'], 'debian', '8', 'jessie'],
    [['claircore', 'ubuntu', '14.04', 'etc', 'os-release'], 'ubuntu', '14.04', 'trusty'],
    [['claircore', 'distroless', '10', 'etc', 'os-release'], 'debian', '10', 'buster'],
    [['syft', 'fedora', 'usr', 'lib', 'os-release'], 'fedora', '36', undefined],
    [['trivy', 'azurelinux-3.0'], 'azurelinux', '3.0', undefined],
    [['trivy', 'bottlerocket'], 'bottlerocket', '1.34.0', undefined],
    [['trivy', 'centos-stream'], 'centos', '8', undefined],
    [['trivy', 'opensusetumbleweed'], 'opensuse-tumbleweed', '20220412', undefined],
  ])(
    '%j -> %s %s %s (codename from VERSION when VERSION_CODENAME is missing or empty)',
    async (parts, id, versionId, codename) => {
      const result = await parseAt('etc/os-release', ...parts);
      expect(result.os).toMatchObject({ id, versionId });
      expect(result.os?.versionCodename).toBe(codename);
    },
  );

  it('reads /etc/system-release-cpe (CentOS 6)', async () => {
    const result = await parseAt(
      'etc/system-release-cpe',
      'syft',
      'centos6',
      'etc',
      'system-release-cpe',
    );
    expect(result.os).toMatchObject({ id: 'centos', versionId: '6' });
  });
});
