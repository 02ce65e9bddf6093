import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { catalogFiles, catalogImageDir, sharedFixture } from '../../testing/index.js';
import type { Catalog } from '../catalog.js';
import { aptCacheDepends } from './testing/apt-cache-depends.js';
import { dpkgQuery } from './testing/dpkg-query.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'dpkg', ...parts));
const nginxStatus = (): Promise<Buffer> =>
  fixture('snyk-docker-plugin', 'nginx-debian10', 'var', 'lib', 'dpkg', 'status');
const nginxOsRelease = (): Promise<Buffer> =>
  fixture('snyk-docker-plugin', 'nginx-debian10', 'etc', 'os-release');

async function catalogLayers(layers: Record<string, string | Buffer | null>[]): Promise<Catalog> {
  const dir = await mkdtemp(join(tmpdir(), 'lockyard-dpkg-image-'));
  try {
    await writeOciLayout(dir, {
      layers: layers.map((files) => ({
        kind: 'entries' as const,
        entries: Object.entries(files).map(([name, content]) => ({ name, content: content ?? '' })),
      })),
    });
    return await catalogImageDir(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('dpkg in real images', () => {
  it('catalogs nginx (Debian 10) like dpkg-query, with purls, source and layer', async () => {
    // The nginx.tar fixture itself is trimmed to one layer of three, which the image reader
    // rightly rejects; its status file and os-release are assembled into a fresh image instead.
    const catalog = await catalogFiles({
      'etc/os-release': await nginxOsRelease(),
      'var/lib/dpkg/status': await nginxStatus(),
    });
    const debs = catalog.packages.filter((p) => p.type === 'deb');
    const expected = dpkgQuery(await nginxStatus()).filter(
      (r) => r.status === 'install ok installed',
    );
    expect(debs.map((p) => `${p.name} ${p.version}`).sort()).toEqual(
      expected.map((r) => `${r.name} ${r.version}`).sort(),
    );
    const libc6 = debs.find((p) => p.name === 'libc6');
    expect(libc6?.purl).toBe(
      'pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10&upstream=glibc',
    );
    expect(libc6?.source).toEqual({ name: 'glibc', version: '2.28-10' });
    expect(libc6?.locations).toEqual([
      expect.objectContaining({
        path: 'var/lib/dpkg/status',
        layerIndex: 0,
        layerDiffId: catalog.image.layers[0]?.diffId,
      }),
    ]);
    expect(catalog.distroless).toBe(false);
  });

  it('joins info/*.list file lists and copyright licences to the packages', async () => {
    const catalog = await catalogFiles({
      'etc/os-release': await nginxOsRelease(),
      'var/lib/dpkg/status': await nginxStatus(),
      'var/lib/dpkg/info/libpam-runtime.list':
        '/.\n/etc\n/etc/pam.conf\n/usr/sbin/pam-auth-update\n',
      'usr/share/doc/libpam-runtime/copyright': await fixture(
        'syft',
        'image-dpkg',
        'usr',
        'share',
        'doc',
        'libpam-runtime',
        'copyright',
      ),
    });
    const pam = catalog.packages.find((p) => p.name === 'libpam-runtime');
    expect(pam?.purl).toBe(
      'pkg:deb/debian/libpam-runtime@1.3.1-5?arch=all&distro=debian-10&upstream=pam',
    );
    expect(pam?.files).toEqual(['/etc', '/etc/pam.conf', '/usr/sbin/pam-auth-update']);
    expect(pam?.licenses).toEqual(['GPL-2.0-only', 'LGPL-2.1-only']);
    expect(catalog.packages.find((p) => p.name === 'libc6')?.licenses).toBeUndefined();
  });

  it('catalogs a distroless image: status.d stanzas, md5sums file lists, copyright licences', async () => {
    const base = ['syft', 'image-distroless-deb'];
    const catalog = await catalogFiles({
      'etc/os-release': await readFile(
        sharedFixture('pkgdb', 'os-release', 'claircore', 'distroless', '11', 'etc', 'os-release'),
      ),
      'var/lib/dpkg/status.d/libsqlite3-0': await fixture(
        ...base,
        'var',
        'lib',
        'dpkg',
        'status.d',
        'libsqlite3-0',
      ),
      'var/lib/dpkg/status.d/libsqlite3-0.md5sums': await fixture(
        ...base,
        'var',
        'lib',
        'dpkg',
        'status.d',
        'libsqlite3-0.md5sums',
      ),
      'usr/share/doc/libsqlite3-0/copyright': await fixture(
        ...base,
        'usr',
        'share',
        'doc',
        'libsqlite3-0',
        'copyright',
      ),
    });
    expect(catalog.distroless).toBe(true);
    const sqlite = catalog.packages.filter((p) => p.type === 'deb');
    expect(sqlite.map((p) => p.name)).toEqual(['libsqlite3-0']);
    expect(sqlite[0]?.licenses).toEqual(['public-domain', 'GPL-2.0-or-later']);
    expect(
      sqlite[0]?.files?.some((f) => f === '/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6'),
    ).toBe(true);
    expect(sqlite[0]?.locations[0]?.path).toBe('var/lib/dpkg/status.d/libsqlite3-0');
  });
});

describe('dpkg across layers', () => {
  it('a later layer that rewrites the status file replaces the package list', async () => {
    const before = await nginxStatus();
    const after = await fixture('syft', 'var', 'lib', 'dpkg', 'status.d', 'deinstall');
    const catalog = await catalogLayers([
      { 'etc/os-release': await nginxOsRelease(), 'var/lib/dpkg/status': before },
      { 'var/lib/dpkg/status': after },
    ]);
    const debs = catalog.packages.filter((p) => p.type === 'deb');
    expect(debs.map((p) => p.name)).toEqual(['linux-image-6.14.0-1012-aws']);
    expect(debs[0]?.locations[0]?.layerIndex).toBe(1);
    expect(debs[0]?.locations[0]?.layerDiffId).toBe(catalog.image.layers[1]?.diffId);
  });

  it('a whiteout of the status file removes every package', async () => {
    const catalog = await catalogLayers([
      { 'etc/os-release': await nginxOsRelease(), 'var/lib/dpkg/status': await nginxStatus() },
      { 'var/lib/dpkg/.wh.status': null },
    ]);
    expect(catalog.packages.filter((p) => p.type === 'deb')).toEqual([]);
    expect(catalog.os?.id).toBe('debian');
  });
});

describe('dpkg dependencies', () => {
  it.each([
    ['snyk-docker-plugin', 'nginx-debian10', 'var', 'lib', 'dpkg', 'status'],
    ['stackrox-scanner', 'DistUpgrade', 'jessie', 'var', 'lib', 'dpkg', 'status'],
    ['snyk-docker-plugin', 'ubuntu_10_04', 'fs', 'var', 'lib', 'dpkg', 'status'],
  ])('resolves Pre-Depends and Depends as apt-cache does (%s/%s)', async (...parts) => {
    const status = await fixture(...parts);
    const catalog = await catalogFiles({ 'var/lib/dpkg/status': status });
    const debs = catalog.packages.filter((p) => p.type === 'deb');
    const byId = new Map(debs.map((p) => [p.id, p.name]));
    const ours = new Map(
      debs.map((p) => [p.name, (p.dependsOn ?? []).map((id) => byId.get(id) ?? id).sort()]),
    );
    const expected = aptCacheDepends(status, [...ours.keys()]);
    expect(expected.size).toBe(ours.size);
    expect([...ours].filter(([, names]) => names.length > 0).length).toBeGreaterThan(
      debs.length / 2,
    );
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(expected));
  });
});
