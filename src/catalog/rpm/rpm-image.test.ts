import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout, type TarEntrySpec } from '../../oci/index.js';
import { catalogFiles, catalogImageDir, sharedFixture } from '../../testing/index.js';
import type { Catalog } from '../catalog.js';
import { rpmQa } from './testing/rpm-query.js';

const rpmFixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'rpm', ...parts));
const osRelease = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'os-release', ...parts));

async function catalogLayers(layers: readonly (readonly TarEntrySpec[])[]): Promise<Catalog> {
  const dir = await mkdtemp(join(tmpdir(), 'lockyard-rpm-image-'));
  try {
    await writeOciLayout(dir, {
      layers: layers.map((entries) => ({ kind: 'entries' as const, entries })),
    });
    return await catalogImageDir(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('rpm in images', () => {
  it('catalogs a RHEL 7 Berkeley DB like rpm -qa, with epoch, upstream and distro in the purl', async () => {
    const db = await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages');
    const catalog = await catalogFiles({
      'etc/os-release': await osRelease('claircore', 'rhel', '7', 'etc', 'os-release'),
      'var/lib/rpm/Packages': db,
    });
    const rpms = catalog.packages.filter((p) => p.type === 'rpm');
    const expected = rpmQa(db, 'bdb').map((line) => {
      const [name, evr] = line.split('\t');
      return `${name} ${evr?.replace(/^\d+:/u, '')}`;
    });
    expect(rpms.map((p) => `${p.name} ${p.version}`).sort()).toEqual(expected.sort());
    const dm = rpms.find((p) => p.name === 'device-mapper');
    expect(dm?.purl).toBe(
      'pkg:rpm/redhat/device-mapper@1.02.146-4.el7?arch=x86_64&distro=rhel-7.7&epoch=7&upstream=lvm2',
    );
    expect(dm?.locations).toEqual([
      expect.objectContaining({
        path: 'var/lib/rpm/Packages',
        layerIndex: 0,
        layerDiffId: catalog.image.layers[0]?.diffId,
      }),
    ]);
  });

  it('reads rpmdb.sqlite under usr/lib/sysimage, reached through the var/lib/rpm link', async () => {
    const catalog = await catalogFiles([
      { name: 'etc/os-release', content: await osRelease('syft', 'mariner', 'etc', 'os-release') },
      {
        name: 'usr/lib/sysimage/rpm/rpmdb.sqlite',
        content: await rpmFixture('go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'),
      },
      { name: 'var/lib/rpm', type: 'symlink', linkname: '../../usr/lib/sysimage/rpm' },
    ]);
    const curl = catalog.packages.find((p) => p.name === 'curl');
    expect(curl?.purl).toMatch(/^pkg:rpm\/mariner\/curl@[^?]+\?arch=x86_64&distro=mariner-1\.0$/u);
    expect(curl?.locations.map((l) => l.path)).toEqual(['usr/lib/sysimage/rpm/rpmdb.sqlite']);
    expect(curl?.files?.length).toBeGreaterThan(0);
  });

  it('a later layer that replaces the database replaces the package list', async () => {
    const catalog = await catalogLayers([
      [
        {
          name: 'var/lib/rpm/Packages',
          content: await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages'),
        },
      ],
      [{ name: 'var/lib/rpm/Packages', content: await rpmFixture('syft', 'Packages') }],
    ]);
    const rpms = catalog.packages.filter((p) => p.type === 'rpm');
    expect(rpms.map((p) => `${p.name} ${p.version}`)).toEqual(['dive 0.9.2-1']);
    expect(rpms[0]?.locations[0]?.layerIndex).toBe(1);
  });

  it('a whiteout of the rpm directory removes every package', async () => {
    const catalog = await catalogLayers([
      [
        {
          name: 'var/lib/rpm/Packages',
          content: await rpmFixture('go-rpmdb', 'libuuid', 'Packages'),
        },
      ],
      [{ name: 'var/lib/.wh.rpm', content: '' }],
    ]);
    expect(catalog.packages.filter((p) => p.type === 'rpm')).toEqual([]);
  });

  it('puts the warnings of a damaged database in the catalog, naming the file', async () => {
    const db = await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages');
    const catalog = await catalogFiles({ 'var/lib/rpm/Packages': db.subarray(0, db.length / 2) });
    expect(catalog.warnings[0]).toMatch(/^var\/lib\/rpm\/Packages: file is truncated/u);
    expect(catalog.packages.length).toBeGreaterThan(0);
  });
});
